// The sides of the library benchmark: each trains a Problem's network from the
// same initial weights on the same minibatches in the same order and reports
// its training time (the loop only) and where training ended. To add a side,
// write a Side here and list it in library.ts.
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import {
  BackendName,
  DataLoader,
  Dataset,
  LossName,
  MLP,
  MLPOptions,
  Matrix,
  ProductThreads,
  Rng,
  SGD,
  batchIndices,
  getLoss,
  gradientsToList,
  labelsTensor,
  loadBackend,
  tfjs,
  tfjsTwin,
  toTensor,
  useProductThreads,
} from "nnlab";

export interface Problem {
  id: string;
  description: string;
  data: Dataset;
  network: MLPOptions;
  loss: LossName;
  batchSize: number;
  epochs: number;
  learningRate: number;
}

/** One timed training run. */
export interface Run {
  /** Wall-clock seconds of the training loop. */
  seconds: number;
  /** CPU seconds (user + system, every thread) of the same loop. */
  cpuSeconds: number;
  /** Mean loss on the whole data set after training. */
  finalLoss: number;
  accuracy: number;
}

export interface Side {
  /** Short key used in the JSON report, e.g. "hand". */
  key: string;
  /** Column/row label, e.g. "tfjs (wasm)". */
  label: string;
  /** Runs before any timing (load data, start processes); optional. */
  prepare?(problems: Problem[]): Promise<void>;
  train(p: Problem, epochs: number): Promise<Run>;
  close?(): void;
}

export const ROOT = path.resolve(__dirname, "..", "..");

export function accuracy(pred: Matrix, y: Matrix): number {
  let right = 0;
  for (let i = 0; i < y.rows; i++) if (pred.data[i] === y.data[i]) right++;
  return right / y.rows;
}

/** Wall-clock and CPU seconds since the call (CPU time tells how loaded the machine was). */
function stopwatch(): () => { seconds: number; cpuSeconds: number } {
  const wall = performance.now(), cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { seconds: (performance.now() - wall) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
  };
}

/** The minibatch order of every epoch: the DataLoader's (shuffled, seed 1). */
export function epochOrders(p: Problem, epochs: number): number[][][] {
  const rng = new Rng(1);
  return Array.from({ length: epochs }, () => batchIndices(p.data.X.rows, p.batchSize, { rng }));
}

// ---------------------------------------------------------------- nnlab, hand-coded

/** Hand-coded: lossAndGradients (rules 0–3) and an SGD step per batch. */
export function trainHand(p: Problem, epochs: number): { seconds: number; cpuSeconds: number; mlp: MLP } {
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
 * The hand-coded side as users get it (threads "auto": large products use the
 * worker thread where timing shows it is faster), or with products always on
 * one thread, or always shared with the worker.
 */
export function handSide(threads: ProductThreads): Side {
  // The library's default (one thread) is the reference every ratio is taken against.
  const names = { never: ["hand", ""], auto: ["hand-auto", ", auto threads"], always: ["hand-2-threads", ", 2 threads"] };
  return {
    key: names[threads][0],
    label: `nnlab hand-coded${names[threads][1]}`,
    async train(p, epochs) {
      const was = useProductThreads(threads);
      try {
        const { mlp, ...time } = trainHand(p, epochs);
        const finalLoss = getLoss(p.loss).value(mlp.decisionFunction(p.data.X), p.data.y);
        return { ...time, finalLoss, accuracy: accuracy(mlp.predict(p.data.X, p.loss), p.data.y) };
      } finally {
        useProductThreads(was);
      }
    },
  };
}

// ---------------------------------------------------------------- TensorFlow.js

/**
 * tfjs: the MLP's twin (same initial weights, tf.Variables), tf.train.sgd
 * minimising the twin's loss; batches are gathered from tensors holding the
 * whole data set, in the DataLoader's order.
 */
/** The MLP's tfjs twin on one backend ("tensorflow" = tfjs-node, "wasm"); each run switches to it first. */
export function tfjsSide(backend: BackendName): Side {
  return {
    key: `tfjs-${backend}`,
    label: `tfjs (${backend})`,
    async train(p, epochs) {
      const active = await loadBackend(backend, { quiet: true });
      if (active !== backend) throw new Error(`the tfjs side wanted the ${backend} backend but got ${active}`);
      const tf = tfjs();
      const mlp = new MLP(p.network);
      const twin = tfjsTwin(mlp);
      const outputs = p.network.unitsPerLayer[p.network.unitsPerLayer.length - 1];
      const X = toTensor(p.data.X);
      const y = labelsTensor(p.data.y, p.loss, outputs);
      const optimizer = tf.train.sgd(p.learningRate);
      const orders = epochOrders(p, epochs);
      const stop = stopwatch();
      for (const order of orders) {
        for (const batch of order) {
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
    },
  };
}

// ---------------------------------------------------------------- PyTorch (optional)

const venvPython = path.join(ROOT, ".venv", process.platform === "win32" ? "Scripts/python.exe" : "bin/python");
const INSTALL_HINT = "node scripts/python-env.js && .venv/bin/python -m pip install -r requirements-bench.txt";

/** Why PyTorch cannot join this run, or null when `import torch` works in .venv. */
export function torchAbsence(): string | null {
  if (!fs.existsSync(venvPython)) return `no project .venv (to add PyTorch: ${INSTALL_HINT})`;
  const probe = spawnSync(venvPython, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) return `torch is not installed in .venv (to add it: ${INSTALL_HINT})`;
  return null;
}

/** Writes a problem where bench/library_torch.py reads it (see that file). */
function writeProblem(p: Problem, dir: string): void {
  const write = (name: string, a: Float64Array | Int32Array) => fs.writeFileSync(path.join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const mlp = new MLP(p.network);
  mlp.weights.forEach((w, l) => write(`w${l}.f64`, w.data));
  mlp.weights.forEach((w, l) => write(`b${l}.f64`, mlp.biases[l]?.data ?? new Float64Array(w.cols)));
  write("X.f64", p.data.X.data);
  write("y.f64", p.data.y.data);
  write("batches.i32", Int32Array.from(epochOrders(p, p.epochs).flat(2)));
  const meta = { rows: p.data.X.rows, units: p.network.unitsPerLayer, loss: p.loss, batchSize: p.batchSize, epochs: p.epochs, learningRate: p.learningRate };
  fs.writeFileSync(path.join(dir, "meta.json"), JSON.stringify(meta));
}

/** PyTorch, float64, in a Python process kept for the whole run (its start-up is not timed). */
export class TorchSide implements Side {
  readonly key = "torch";
  label = "PyTorch";
  private child?: ChildProcessWithoutNullStreams;
  private lines?: AsyncIterableIterator<string>;
  private dir = "";
  private stderr = "";

  constructor(private readonly threads: number) {}

  async prepare(problems: Problem[]): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-bench-"));
    this.child = spawn(venvPython, ["-u", path.join(ROOT, "bench", "library_torch.py")], {
      env: { ...process.env, NNLAB_TORCH_THREADS: String(this.threads), PYTHONNOUSERSITE: "1" },
    });
    this.child.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.lines = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    const hello = (await this.answer()) as { torch: string; threads: number };
    this.label = `PyTorch ${hello.torch.replace(/\+.*/, "")} (${hello.threads} thread${hello.threads === 1 ? "" : "s"})`;
    for (const p of problems) {
      const dir = path.join(this.dir, p.id);
      fs.mkdirSync(dir);
      writeProblem(p, dir);
      await this.request({ cmd: "load", id: p.id, dir });
    }
  }

  async train(p: Problem, epochs: number): Promise<Run> {
    return (await this.request({ cmd: "train", id: p.id, epochs })) as Run;
  }

  /** Best time of one dense n×m · m×p float64 product. */
  async denseProductSeconds(n: number, m: number, p: number, repeat: number): Promise<number> {
    return ((await this.request({ cmd: "mm", n, m, p, repeat })) as { seconds: number }).seconds;
  }

  close(): void {
    this.child?.stdin.end();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async request(message: object): Promise<unknown> {
    this.child!.stdin.write(JSON.stringify(message) + "\n");
    return this.answer();
  }

  private async answer(): Promise<unknown> {
    const next = await this.lines!.next();
    if (next.done) throw new Error(`bench/library_torch.py stopped:\n${this.stderr.trim()}`);
    const reply = JSON.parse(next.value) as { error?: string };
    if (reply.error) throw new Error(`bench/library_torch.py: ${reply.error}`);
    return reply;
  }
}
