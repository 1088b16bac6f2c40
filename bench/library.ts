// The library benchmark (`npm run bench`): hand-coded backprop against the
// same network trained by TensorFlow.js on its active backend and, when it is
// importable from the project's .venv, by PyTorch (float64, 2 threads by default).
//
//   P1  the notes' experiment: 500 two-dimensional points, 2→20→40→20→1
//       (ReLU hidden, logistic loss), batch 10, 50 epochs, plain SGD α = 0.015
//       — the notes' numpy code took 69 s.
//   P2  784→100→10 (ReLU hidden, softmax cross-entropy) on the 10 000 digits of
//       the `mnist` package, batch 100, one epoch, SGD α = 0.1.
//
// Every side starts from the same weights and sees the same batches in the
// same order; times cover the training loop only (data loading, process
// start-up and one warm-up epoch are excluded) and are the median of --repeat
// runs, the sides taking turns so that a change in the machine's load hits
// them alike. Then the matrix products of one P2 step are timed one by one
// (GFLOPS achieved, and PyTorch's dense product of the same shapes as the
// machine's peak for them).
//
//   npm run bench                  tables on stdout
//   npm run bench -- --json        also writes bench/results.json (and prints its JSON)
//   npm run bench -- --repeat 5    more runs per measurement
//   npm run bench -- --problems P2 --no-tfjs    P2 only, hand-coded and PyTorch
//   npm run bench -- --profile 20  where hand-coded P2's time goes (nothing else is run;
//                                  --profile-threads never|always|auto for its products)
//   PyTorch: node scripts/python-env.js && .venv/bin/python -m pip install -r requirements-bench.txt
import { Command } from "commander";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BackendName, ProductThreads, digits, fastProductsAvailable, loadBackend, notesPoints, tfjs, useProductThreads } from "nnlab";
import { ProductTiming, epochFlops, formatTable, productTable, timeProducts } from "./products";
import { profileHand } from "./profile";
import { Problem, ROOT, Run, Side, TorchSide, handSide, tfjsSide, torchAbsence } from "./sides";

interface SideResult extends Run {
  key: string;
  label: string;
  /** Every timed run's wall-clock seconds. */
  runs: number[];
}

interface ProblemResult {
  id: string;
  description: string;
  sides: SideResult[];
}

interface Target {
  text: string;
  met: boolean;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(p: Problem, sides: Side[], repeat: number): Promise<ProblemResult> {
  for (const side of sides) await side.train(p, 1); // warm-up: JIT, kernels, caches
  const runs = new Map<Side, Run[]>(sides.map((s) => [s, []]));
  for (let r = 0; r < repeat; r++) for (const side of sides) runs.get(side)!.push(await side.train(p, p.epochs));
  const results = sides.map((side): SideResult => {
    const list = runs.get(side)!;
    const last = list[list.length - 1];
    return {
      key: side.key,
      label: side.label,
      seconds: median(list.map((x) => x.seconds)),
      cpuSeconds: median(list.map((x) => x.cpuSeconds)),
      finalLoss: last.finalLoss,
      accuracy: last.accuracy,
      runs: list.map((x) => x.seconds),
    };
  });
  return { id: p.id, description: p.description, sides: results };
}

const side = (r: ProblemResult, key: string): SideResult | undefined => r.sides.find((s) => s.key === key);

/** The goals of issue 14 and the earlier ones, checked on this run's numbers. */
function targets(results: ProblemResult[]): Target[] {
  const out: Target[] = [];
  for (const r of results) {
    const hand = side(r, "hand")!, tf = side(r, "tfjs-wasm") ?? side(r, "tfjs-tensorflow"), torch = side(r, "torch");
    if (r.id === "P1") {
      out.push({ text: "P1: hand-coded < 0.5 s", met: hand.seconds < 0.5 });
      if (tf) out.push({ text: "P1: hand-coded faster than tfjs", met: hand.seconds < tf.seconds });
      if (torch) out.push({ text: "P1: hand-coded at least 3× faster than PyTorch", met: torch.seconds >= 3 * hand.seconds });
    } else {
      if (tf) out.push({ text: "P2: hand-coded within 2× of tfjs", met: hand.seconds <= 2 * tf.seconds });
      if (torch) out.push({ text: "P2: hand-coded within 1.5× of PyTorch", met: hand.seconds <= 1.5 * torch.seconds });
    }
  }
  return out;
}

function resultTable(results: ProblemResult[], p2Flops: number): string {
  const rows = [["", "side", "time", "CPU s", "time / hand-coded", "GFLOPS (dense-equiv.)", "final loss", "accuracy"]];
  for (const r of results) {
    const hand = side(r, "hand")!;
    for (const s of r.sides) {
      rows.push([
        s === r.sides[0] ? r.id : "",
        s.label,
        `${s.seconds.toFixed(3)} s`,
        s.cpuSeconds.toFixed(3),
        `${(s.seconds / hand.seconds).toFixed(2)}×`,
        r.id === "P2" ? (p2Flops / s.seconds / 1e9).toFixed(1) : "",
        s.finalLoss.toFixed(4),
        `${(100 * s.accuracy).toFixed(1)}%`,
      ]);
    }
  }
  return formatTable(rows);
}

async function main(): Promise<void> {
  const cli = new Command()
    .name("npm run bench --")
    .description("nnlab library benchmark: hand-coded backprop vs TensorFlow.js and (when installed in .venv) PyTorch")
    .option("--json", "write bench/results.json and print it")
    .option("--repeat <n>", "timed runs per measurement (median reported)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--repeat must be a positive integer, got ${v}`);
      return n;
    }, 3)
    .option("--problems <ids>", "which problems to run, comma-separated", (v) => {
      const ids = v.split(",").map((x) => x.trim().toUpperCase());
      const bad = ids.filter((x) => x !== "P1" && x !== "P2");
      if (bad.length > 0 || ids.length === 0) throw new Error(`--problems takes P1, P2 or P1,P2, got ${v}`);
      return ids;
    }, ["P1", "P2"])
    .option("--no-tfjs", "leave TensorFlow.js out")
    .option("--profile <epochs>", "only profile hand-coded P2 for this many epochs and list where the time goes", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--profile must be a positive integer, got ${v}`);
      return n;
    })
    .option("--profile-threads <mode>", "worker thread for --profile's products: auto, always or never", (v) => {
      if (v !== "auto" && v !== "always" && v !== "never") throw new Error(`--profile-threads takes auto, always or never, got ${v}`);
      return v;
    }, "never")
    .option("--no-torch", "leave PyTorch out even when it is installed")
    .option("--torch-threads <n>", "threads PyTorch may use", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--torch-threads must be a positive integer, got ${v}`);
      return n;
    }, 2)
    .parse(process.argv);
  const opts = cli.opts<{ json?: boolean; repeat: number; problems: string[]; tfjs: boolean; torch: boolean; torchThreads: number; profile?: number; profileThreads: ProductThreads }>();

  // Every tfjs backend that loads here, in one run: tfjs-node (after npm run setup:tfjs-node) and wasm.
  const backends: BackendName[] = [];
  if (opts.tfjs) for (const b of ["tensorflow", "wasm"] as BackendName[]) if ((await loadBackend(b, { quiet: true }).catch(() => undefined)) === b) backends.push(b);
  if (opts.tfjs && !backends.includes("tensorflow")) console.log("tfjs (tensorflow): not available — npm run setup:tfjs-node builds tfjs-node");
  const absent = opts.torch ? torchAbsence() : "left out (--no-torch)";
  const torch = absent === null ? new TorchSide(opts.torchThreads) : null;
  const sides: Side[] = [handSide("never"), handSide("auto"), handSide("always"), ...backends.map((b) => tfjsSide(b)), ...(torch ? [torch] : [])];

  const allProblems: Problem[] = [
    {
      id: "P1",
      description: "500 points, 2→20→40→20→1 relu, logistic, batch 10, 50 epochs, SGD",
      data: notesPoints({ labels: "pm1" }),
      network: { unitsPerLayer: [2, 20, 40, 20, 1], hiddenActivation: "relu", seed: 0 },
      loss: "logistic_loss",
      batchSize: 10,
      epochs: 50,
      learningRate: 0.015,
    },
    {
      id: "P2",
      description: "10 000 digits, 784→100→10 relu, softmax, batch 100, 1 epoch, SGD",
      data: digits({ train: 10_000, test: 0 }).train,
      network: { unitsPerLayer: [784, 100, 10], hiddenActivation: "relu", seed: 0 },
      loss: "softmax_cross_entropy",
      batchSize: 100,
      epochs: 1,
      learningRate: 0.1,
    },
  ];
  if (opts.profile !== undefined) {
    useProductThreads(opts.profileThreads);
    console.log(`Hand-coded P2, ${opts.profile} epochs under the sampling profiler, worker thread ${opts.profileThreads} (Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}):\n`);
    console.log(await profileHand(allProblems[1], opts.profile));
    return;
  }
  const problems = allProblems.filter((p) => opts.problems.includes(p.id));
  const p2 = problems.find((p) => p.id === "P2");

  const machine = {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    tfjs: tfjs().version.tfjs,
    backends,
    fastProducts: fastProductsAvailable() ? "WebAssembly SIMD" : "plain JavaScript loop",
  };
  const loadBefore = os.loadavg();
  console.log(`nnlab library benchmark — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, tfjs ${machine.tfjs} (${backends.join(", ")})`);
  console.log(`nnlab products: ${machine.fastProducts}; median of ${opts.repeat} runs after one warm-up epoch`);
  console.log(`load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")} (1, 5, 15 min) at the start`);
  if (!torch) console.log(`PyTorch: absent — ${absent}`);
  if (Number(process.versions.node.split(".")[0]) < 22) {
    // Node 20's V8 runs the JavaScript around the kernel more slowly: P2 1.62× PyTorch there, 1.27× on Node 24 (BENCHMARKS.md).
    console.log(`Node ${process.version} is past its end of life; BENCHMARKS.md's figures are for Node 24, which users run: PATH="$(node scripts/ensure-node.js 24):$PATH" npm run bench`);
  }

  let results: ProblemResult[], products: ProductTiming[] = [];
  try {
    for (const s of sides) await s.prepare?.(problems);
    results = [];
    for (const p of problems) results.push(await measure(p, sides, opts.repeat));
    if (p2) products = await timeProducts(p2, torch);
  } finally {
    for (const s of sides) s.close?.();
  }
  const loadAfter = os.loadavg();
  const p2Steps = p2 ? Math.ceil(p2.data.X.rows / p2.batchSize) * p2.epochs : 0;
  const p2Flops = epochFlops(products, p2Steps);

  console.log("\n" + resultTable(results, p2Flops));
  console.log("\n" + targets(results).map((t) => `${t.met ? "met    " : "MISSED "} ${t.text}`).join("\n"));
  const p2Result = results.find((r) => r.id === "P2");
  if (p2Result) {
    console.log(`\nP2's matrix products, one step (first minibatch), median of 100 each; an epoch is ${(p2Flops / 1e9).toFixed(2)} GFLOP dense-equivalent:`);
    console.log(productTable(products));
    const handP2 = side(p2Result, "hand")!;
    const productSeconds = p2Steps * products.reduce((s, t) => s + t.seconds, 0);
    console.log(
      `\nOne epoch's products on one thread, timed alone: ${productSeconds.toFixed(3)} s = ${((100 * productSeconds) / handP2.cpuSeconds).toFixed(0)}% of one-thread hand-coded P2's CPU time ` +
        `(${((100 * productSeconds) / handP2.seconds).toFixed(0)}% of its wall time); the rest is element-wise work, the loss, the optimiser, batching and allocation.`,
    );
  }
  console.log(`load average ${loadAfter.map((l) => l.toFixed(1)).join(" ")} at the end`);

  if (opts.json) {
    const file = path.join(ROOT, "bench", "results.json");
    const report = { date: new Date().toISOString(), machine, loadAverage: { start: loadBefore, end: loadAfter }, repeat: opts.repeat, torch: absent ?? "present", results, targets: targets(results), p2Products: products };
    const text = JSON.stringify(report, null, 2) + "\n";
    fs.writeFileSync(file, text);
    console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
    console.log(text);
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
