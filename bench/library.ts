// The library benchmark (`npm run bench`): hand-coded backprop against the
// same network trained by TensorFlow.js on its active backend.
//
//   P1  the notes' experiment: 500 two-dimensional points, 2→20→40→20→1
//       (ReLU hidden, logistic loss), batch 10, 50 epochs, plain SGD α = 0.015
//       — the notes' numpy code took 69 s. Targets: hand-coded < 0.5 s and
//       faster than tfjs.
//   P2  784→100→10 (ReLU hidden, softmax cross-entropy) on the 10 000 digits of
//       the `mnist` package, batch 100, one epoch, SGD α = 0.1.
//       Target: hand-coded within 2× of tfjs.
//
// Both sides start from the same weights and see the same batches in the same
// order; times cover the training loop only (data loading and one warm-up
// epoch are excluded) and are the median of --repeat runs.
//
//   npm run bench                  table on stdout
//   npm run bench -- --json        also writes bench/results.json (and prints its JSON)
//   npm run bench -- --repeat 5    more runs per measurement
import { Command } from "commander";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DataLoader,
  Dataset,
  LossName,
  MLP,
  MLPOptions,
  Matrix,
  Rng,
  SGD,
  batchIndices,
  digits,
  getLoss,
  gradientsToList,
  labelsTensor,
  loadBackend,
  notesPoints,
  tfjs,
  tfjsTwin,
  toTensor,
} from "nnlab";

interface Problem {
  id: string;
  description: string;
  data: Dataset;
  network: MLPOptions;
  loss: LossName;
  batchSize: number;
  epochs: number;
  learningRate: number;
}

interface SideResult {
  /** Median training time (wall clock) over the repeats, in seconds. */
  seconds: number;
  runs: number[];
  /** Median CPU time (user + system) of the same runs: close to the wall time on an idle machine. */
  cpuSeconds: number;
  /** Mean loss on the whole data set after training. */
  finalLoss: number;
  accuracy: number;
}

interface ProblemResult {
  id: string;
  description: string;
  hand: SideResult;
  tfjs: SideResult;
  /** tfjs time / hand-coded time (> 1: hand-coded is faster). */
  speedup: number;
  target: string;
  met: boolean;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall-clock and CPU seconds since `start()` (CPU time tells how loaded the machine was). */
function stopwatch(): () => { seconds: number; cpuSeconds: number } {
  const wall = performance.now(), cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { seconds: (performance.now() - wall) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
  };
}

function accuracy(pred: Matrix, y: Matrix): number {
  let right = 0;
  for (let i = 0; i < y.rows; i++) if (pred.data[i] === y.data[i]) right++;
  return right / y.rows;
}

// ---------------------------------------------------------------- the two trainers

/** Hand-coded: lossAndGradients (rules 0–3) and an SGD step per batch. */
function trainHand(p: Problem, epochs: number): { seconds: number; cpuSeconds: number; mlp: MLP } {
  const mlp = new MLP(p.network);
  const sgd = new SGD(p.learningRate);
  const loader = new DataLoader(p.data.X, p.data.y, { batchSize: p.batchSize, shuffle: true, seed: 1 });
  const stop = stopwatch();
  for (let e = 0; e < epochs; e++) {
    for (const batch of loader) {
      const { gradients } = mlp.lossAndGradients(batch.X, batch.y, p.loss);
      sgd.step(mlp.getParameters(), gradientsToList(gradients));
    }
  }
  return { ...stop(), mlp };
}

/**
 * tfjs: the MLP's twin (same initial weights, tf.Variables), tf.train.sgd
 * minimising the twin's loss; batches are gathered from tensors holding the
 * whole data set, in the DataLoader's order (same seed, same permutations).
 */
function trainTfjs(p: Problem, epochs: number): { seconds: number; cpuSeconds: number; finalLoss: number; accuracy: number } {
  const tf = tfjs();
  const mlp = new MLP(p.network);
  const twin = tfjsTwin(mlp);
  const outputs = p.network.unitsPerLayer[p.network.unitsPerLayer.length - 1];
  const X = toTensor(p.data.X);
  const y = labelsTensor(p.data.y, p.loss, outputs);
  const optimizer = tf.train.sgd(p.learningRate);
  const rng = new Rng(1);
  const stop = stopwatch();
  for (let e = 0; e < epochs; e++) {
    for (const batch of batchIndices(p.data.X.rows, p.batchSize, { rng })) {
      tf.tidy(() => {
        const idx = tf.tensor1d(batch, "int32");
        const xb = tf.gather(X, idx), yb = tf.gather(y, idx);
        optimizer.minimize(() => twin.lossTensor(twin.scoresTensor(xb), yb, p.loss), false, twin.variables);
      });
    }
  }
  twin.variables[0].dataSync(); // wait until every queued step has run
  const time = stop();
  const finalLoss = twin.loss(p.data.X, p.data.y, p.loss);
  mlp.setParameters(twin.getParameters());
  const acc = accuracy(mlp.predict(p.data.X, p.loss), p.data.y);
  [X, y].forEach((t) => t.dispose());
  optimizer.dispose();
  twin.dispose();
  return { ...time, finalLoss, accuracy: acc };
}

function measure(p: Problem, repeat: number): ProblemResult {
  trainHand(p, 1); // warm-up: let V8 compile the hot loops
  trainTfjs(p, 1); // and tfjs set up its kernels
  const handRuns: number[] = [], tfRuns: number[] = [], handCpu: number[] = [], tfCpu: number[] = [];
  let hand!: ReturnType<typeof trainHand>, tf!: ReturnType<typeof trainTfjs>;
  for (let r = 0; r < repeat; r++) {
    hand = trainHand(p, p.epochs);
    handRuns.push(hand.seconds);
    handCpu.push(hand.cpuSeconds);
    tf = trainTfjs(p, p.epochs);
    tfRuns.push(tf.seconds);
    tfCpu.push(tf.cpuSeconds);
  }
  const loss = getLoss(p.loss);
  const handSide: SideResult = {
    seconds: median(handRuns),
    runs: handRuns,
    cpuSeconds: median(handCpu),
    finalLoss: loss.value(hand.mlp.decisionFunction(p.data.X), p.data.y),
    accuracy: accuracy(hand.mlp.predict(p.data.X, p.loss), p.data.y),
  };
  const tfSide: SideResult = { seconds: median(tfRuns), runs: tfRuns, cpuSeconds: median(tfCpu), finalLoss: tf.finalLoss, accuracy: tf.accuracy };
  const speedup = tfSide.seconds / handSide.seconds;
  const [target, met] =
    p.id === "P1"
      ? ["hand < 0.5 s and faster than tfjs", handSide.seconds < 0.5 && speedup > 1]
      : ["hand within 2× of tfjs", handSide.seconds <= 2 * tfSide.seconds];
  return { id: p.id, description: p.description, hand: handSide, tfjs: tfSide, speedup, target, met };
}

// ---------------------------------------------------------------- report

function table(results: ProblemResult[], backend: string): string {
  const rows = [["", "problem", "hand-coded", `tfjs (${backend})`, "tfjs / hand", "cpu s hand / tfjs", "final loss hand / tfjs", "accuracy hand / tfjs", "target", ""]];
  for (const r of results) {
    rows.push([
      r.id,
      r.description,
      `${r.hand.seconds.toFixed(3)} s`,
      `${r.tfjs.seconds.toFixed(3)} s`,
      `${r.speedup.toFixed(2)}×`,
      `${r.hand.cpuSeconds.toFixed(3)} / ${r.tfjs.cpuSeconds.toFixed(3)}`,
      `${r.hand.finalLoss.toFixed(4)} / ${r.tfjs.finalLoss.toFixed(4)}`,
      `${(100 * r.hand.accuracy).toFixed(1)}% / ${(100 * r.tfjs.accuracy).toFixed(1)}%`,
      r.target,
      r.met ? "met" : "MISSED",
    ]);
  }
  const widths = rows[0].map((_, j) => Math.max(...rows.map((row) => row[j].length)));
  return rows.map((row) => row.map((cell, j) => cell.padEnd(widths[j])).join("  ").trimEnd()).join("\n");
}

async function main(): Promise<void> {
  const cli = new Command()
    .name("npm run bench --")
    .description("nnlab library benchmark: hand-coded backprop vs TensorFlow.js")
    .option("--json", "write bench/results.json and print it")
    .option("--repeat <n>", "timed runs per measurement (median reported)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--repeat must be a positive integer, got ${v}`);
      return n;
    }, 3)
    .parse(process.argv);
  const opts = cli.opts<{ json?: boolean; repeat: number }>();

  const backend = await loadBackend(undefined, { quiet: true });
  const machine = {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    tfjs: tfjs().version.tfjs,
    backend,
  };
  console.log(`nnlab library benchmark — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, tfjs ${machine.tfjs}`);
  const load = os.loadavg()[0];
  console.log(`TensorFlow.js backend: ${backend}; median of ${opts.repeat} runs after one warm-up epoch; load average ${load.toFixed(1)}\n`);

  const problems: Problem[] = [
    {
      id: "P1",
      description: "500 points, 2→20→40→20→1 relu, logistic, batch 10, 50 epochs, SGD",
      data: notesPoints({ labels: "pm1" }),
      network: { unitsPerLayer: [2, 20, 40, 20, 1], hiddenActivation: "relu", seed: 0 },
      loss: "logistic",
      batchSize: 10,
      epochs: 50,
      learningRate: 0.015,
    },
    {
      id: "P2",
      description: "10 000 digits, 784→100→10 relu, softmax, batch 100, 1 epoch, SGD",
      data: digits({ train: 10_000, test: 0 }).train,
      network: { unitsPerLayer: [784, 100, 10], hiddenActivation: "relu", seed: 0 },
      loss: "softmax_ce",
      batchSize: 100,
      epochs: 1,
      learningRate: 0.1,
    },
  ];
  const results = problems.map((p) => measure(p, opts.repeat));
  console.log(table(results, backend));

  if (opts.json) {
    const file = path.resolve(__dirname, "..", "..", "bench", "results.json");
    const report = { date: new Date().toISOString(), machine, loadAverage: load, repeat: opts.repeat, results };
    const text = JSON.stringify(report, null, 2) + "\n";
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
    console.log(text);
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
