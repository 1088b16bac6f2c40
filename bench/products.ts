// The matrix products of one P2 training step, timed one by one: what the
// hand-coded side achieves on the real operands (digit pixels and ReLU outputs
// are mostly zero, and the kernel skips zeros) on one thread and, where a
// worker thread may run, on two; what the same kernel does on dense operands of
// the same shapes; and what PyTorch's dense float64 product reaches on those
// shapes on this machine (its peak for the shape).
import {
  MLP,
  Matrix,
  Rng,
  matMul,
  matMulTransposeA,
  matMulTransposeB,
  rule0,
  rule2,
  useProductThreads,
} from "nnlab";
import { Problem, TorchSide } from "./sides";

export interface ProductTiming {
  name: string;
  /** n×m · m×p of the product as computed (transposes included). */
  shape: [number, number, number];
  /** Fraction of nonzero entries in the left operand (what the kernel works on). */
  nonzero: number;
  /** Median seconds per product on the real operands (one thread), and on dense random ones. */
  seconds: number;
  denseSeconds: number;
  /** Median seconds on the real operands with the worker thread always used (large products only). */
  threadedSeconds: number;
  /** Best seconds of PyTorch's dense product of the same shape (absent without PyTorch). */
  torchSeconds?: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeIt(f: () => void, repeat: number): number {
  f(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const start = performance.now();
    f();
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

/**
 * Median seconds of f on one thread and on two (the worker thread always
 * used), the two taking turns so that a change in the machine's load hits
 * both alike.
 */
function timeThreads(f: () => void, repeat: number): [oneThread: number, twoThreads: number] {
  const was = useProductThreads("always");
  try {
    const times: [number[], number[]] = [[], []];
    for (let r = -1; r < repeat; r++) {
      for (const threads of [false, true]) {
        useProductThreads(threads ? "always" : "never");
        const start = performance.now();
        f();
        if (r >= 0) times[threads ? 1 : 0].push((performance.now() - start) / 1000); // r = −1: warm-up
      }
    }
    return [median(times[0]), median(times[1])];
  } finally {
    useProductThreads(was);
  }
}

const nonzeroFraction = (m: Matrix): number => m.data.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0) / m.size;

function randomLike(m: Matrix, rng: Rng): Matrix {
  return Matrix.fromFunction(m.rows, m.cols, () => rng.normal());
}

/** The five products of a 784→100→10 step on its first minibatch. */
export async function timeProducts(p: Problem, torch: TorchSide | null, repeat = 100): Promise<ProductTiming[]> {
  const mlp = new MLP(p.network);
  const rows = Array.from({ length: p.batchSize }, (_, i) => i);
  const X = p.data.X.selectRows(rows), y = p.data.y.selectRows(rows);
  const pass = mlp.forward(X);
  const [W1, W2] = mlp.weights;
  const g2 = rule2(rule0(p.loss, pass.h[2], y), pass.a[2], mlp.layerActivation(2));
  const g1 = rule2(matMulTransposeB(g2, W2), pass.a[1], mlp.layerActivation(1));
  const h1 = pass.h[1];
  const products: { name: string; left: Matrix; right: Matrix; f: (a: Matrix, b: Matrix) => Matrix; shape: [number, number, number] }[] = [
    { name: "forward  X·W(1)", left: X, right: W1, f: matMul, shape: [X.rows, X.cols, W1.cols] },
    { name: "forward  h(1)·W(2)", left: h1, right: W2, f: matMul, shape: [h1.rows, h1.cols, W2.cols] },
    { name: "rule 1   h(1)ᵀ·∇a(2)", left: h1, right: g2, f: matMulTransposeA, shape: [h1.cols, h1.rows, g2.cols] },
    { name: "rule 3   ∇a(2)·W(2)ᵀ", left: g2, right: W2, f: matMulTransposeB, shape: [g2.rows, g2.cols, W2.rows] },
    { name: "rule 1   Xᵀ·∇a(1)", left: X, right: g1, f: matMulTransposeA, shape: [X.cols, X.rows, g1.cols] },
  ];
  const rng = new Rng(7);
  const out: ProductTiming[] = [];
  for (const q of products) {
    const dense = [randomLike(q.left, rng), randomLike(q.right, rng)];
    const [seconds, threadedSeconds] = timeThreads(() => q.f(q.left, q.right), repeat);
    const was = useProductThreads("never");
    const denseSeconds = timeIt(() => q.f(dense[0], dense[1]), repeat);
    useProductThreads(was);
    out.push({
      name: q.name,
      shape: q.shape,
      nonzero: nonzeroFraction(q.left),
      seconds,
      threadedSeconds,
      denseSeconds,
      torchSeconds: torch ? await torch.denseProductSeconds(...q.shape, repeat) : undefined,
    });
  }
  return out;
}

const flops = (t: ProductTiming): number => 2 * t.shape[0] * t.shape[1] * t.shape[2];
const gflops = (f: number, s: number): string => (f / s / 1e9).toFixed(1);

/** Multiply-adds (×2) of the products of one epoch of a problem, dense-equivalent. */
export function epochFlops(timings: ProductTiming[], steps: number): number {
  return steps * timings.reduce((s, t) => s + flops(t), 0);
}

export function productTable(timings: ProductTiming[]): string {
  const rows = [["product", "n×m·m×p", "nonzero in left", "nnlab real data", "GFLOPS (dense-equiv.)", "2 threads", "GFLOPS", "nnlab dense", "GFLOPS", "PyTorch dense", "GFLOPS"]];
  for (const t of timings) {
    rows.push([
      t.name,
      t.shape.join("×"),
      `${(100 * t.nonzero).toFixed(0)}%`,
      `${(t.seconds * 1e3).toFixed(3)} ms`,
      gflops(flops(t), t.seconds),
      `${(t.threadedSeconds * 1e3).toFixed(3)} ms`,
      gflops(flops(t), t.threadedSeconds),
      `${(t.denseSeconds * 1e3).toFixed(3)} ms`,
      gflops(flops(t), t.denseSeconds),
      t.torchSeconds === undefined ? "—" : `${(t.torchSeconds * 1e3).toFixed(3)} ms`,
      t.torchSeconds === undefined ? "—" : gflops(flops(t), t.torchSeconds),
    ]);
  }
  const sum = (f: (t: ProductTiming) => number | undefined) => timings.reduce((s, t) => s + (f(t) ?? NaN), 0);
  const all = sum(flops);
  rows.push([
    "one step, all five",
    "",
    "",
    `${(sum((t) => t.seconds) * 1e3).toFixed(3)} ms`,
    gflops(all, sum((t) => t.seconds)),
    `${(sum((t) => t.threadedSeconds) * 1e3).toFixed(3)} ms`,
    gflops(all, sum((t) => t.threadedSeconds)),
    `${(sum((t) => t.denseSeconds) * 1e3).toFixed(3)} ms`,
    gflops(all, sum((t) => t.denseSeconds)),
    timings[0].torchSeconds === undefined ? "—" : `${(sum((t) => t.torchSeconds) * 1e3).toFixed(3)} ms`,
    timings[0].torchSeconds === undefined ? "—" : gflops(all, sum((t) => t.torchSeconds)),
  ]);
  return formatTable(rows);
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((row) => (row[j] ?? "").length)));
  return rows.map((row) => row.map((cell, j) => (cell ?? "").padEnd(widths[j])).join("  ").trimEnd()).join("\n");
}
