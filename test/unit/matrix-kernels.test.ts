// The fast product kernel (lib/kernels/product.ts, WebAssembly SIMD) against
// the plain triple loop of lib/matrix.ts, for all three products a layer
// needs: A·B (forward), Aᵀ·B (rule 1) and A·Bᵀ (rule 3).
import { createRequire } from "node:module";
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { Matrix, Rng, ShapeError, fastProductsAvailable, matMul, matMulTransposeA, matMulTransposeB, transpose, useFastProducts, useProductThreads } from "nnlab";
import { fastProduct } from "../../lib/kernels/product";
import { allFinite } from "../../lib/kernels/finite";
import { SharedProducts, sharedProducts } from "../../lib/kernels/threads";
import { ThreadChoice } from "../../lib/kernels/thread-choice";

const rng = new Rng(14);

/** Random entries; `zeros` is the share set to exactly 0 (as ReLU outputs and pixels are). */
function random(rows: number, cols: number, zeros = 0): Matrix {
  return Matrix.fromFunction(rows, cols, () => (rng.uniform() < zeros ? 0 : rng.normal() * 10 ** rng.int(4)));
}

/** Largest |fast − plain| / max(|plain|, 1e-300) over all entries. */
function relativeError(fast: Matrix, plain: Matrix): number {
  expect(fast.shape).toEqual(plain.shape);
  let worst = 0;
  for (let k = 0; k < plain.size; k++) {
    worst = Math.max(worst, Math.abs(fast.data[k] - plain.data[k]) / Math.max(Math.abs(plain.data[k]), 1e-300));
  }
  return worst;
}

function plain<T>(f: () => T): T {
  const was = useFastProducts(false);
  try {
    return f();
  } finally {
    useFastProducts(was);
  }
}

// n×m · m×p: row and column vectors, odd sizes, every panel width (12, 8, 4, 2, 1 columns) and its remainders.
const shapes: [number, number, number][] = [
  [1, 300, 37], [300, 1, 19], [129, 65, 1], [1, 2048, 1], [2048, 1, 1], [1, 1, 2048],
  [17, 33, 19], [31, 7, 21], [13, 101, 3], [7, 259, 5], [100, 784, 100], [100, 100, 10], [10, 20, 40], [3, 5, 7],
];

/** Random shapes too, each side 1…4, 1…40 or 1…300 long, with 0–100% zeros in A (seeded: the same every run). */
const drawn = new Rng(1414);
const side = () => 1 + drawn.int([4, 40, 300][drawn.int(3)]);
const randomShapes = Array.from({ length: 24 }, () => ({ shape: [side(), side(), side()] as [number, number, number], zeros: [0, 0.5, 0.9, 1][drawn.int(4)] }));

/** The three products of op(A)·op(B) with the kernel, each to 1e-12 relative of the plain loop's A·B. */
function expectAllThreeAgree([n, m, p]: [number, number, number], zeros: number): void {
  const a = random(n, m, zeros), b = random(m, p, zeros / 2);
  const at = transpose(a), bt = transpose(b);
  const want = plain(() => matMul(a, b));
  // Each product after an unrelated one, so no operand is left over in the kernel's memory.
  const scrub = () => matMul(random(64, 64), random(64, 64));
  for (const fast of [() => matMulTransposeB(a, bt), () => matMulTransposeA(at, b), () => matMul(a, b)]) {
    scrub();
    expect(relativeError(fast(), want)).toBeLessThanOrEqual(1e-12);
  }
  expect(relativeError(plain(() => matMulTransposeA(at, b)), want)).toBeLessThanOrEqual(1e-12);
  expect(relativeError(plain(() => matMulTransposeB(a, bt)), want)).toBeLessThanOrEqual(1e-12);
}

describe("fast products agree with the plain triple loop", () => {
  afterEach(() => {
    useFastProducts(true);
  });

  it("runs in WebAssembly SIMD on this Node", () => {
    expect(fastProductsAvailable()).toBe(true);
    const a = random(40, 30), b = random(30, 20);
    expect(fastProduct("AB", a.data, b.data, 40, 30, 20)).not.toBeNull(); // so the comparisons below test the kernel
    expect(fastProduct("AB", a.data, b.data, 2, 3, 4)).toBeNull(); // tiny products stay with the loop
  });

  for (const [n, m, p] of shapes) {
    for (const zeros of [0, 0.8]) {
      it(`${n}×${m}·${m}×${p}, ${zeros * 100}% zeros in A: A·B, Aᵀ·B, A·Bᵀ`, () => expectAllThreeAgree([n, m, p], zeros));
    }
  }

  for (const { shape: [n, m, p], zeros } of randomShapes) {
    it(`random shape ${n}×${m}·${m}×${p}, ${zeros * 100}% zeros in A: A·B, Aᵀ·B, A·Bᵀ`, () => expectAllThreeAgree([n, m, p], zeros));
  }

  it("gives exact zeros for zero operands, and a product after the kernel's memory grew", () => {
    for (const [a, b] of [[Matrix.zeros(50, 60), random(60, 70)], [random(50, 60), Matrix.zeros(60, 70)]]) {
      expect(matMul(a, b).data.every((v) => v === 0)).toBe(true);
    }
    const a = random(300, 500, 0.5), b = random(500, 200); // 12 MB of kernel memory
    expect(relativeError(matMul(a, b), plain(() => matMul(a, b)))).toBeLessThanOrEqual(1e-12);
    expect(relativeError(matMul(a.selectRows([0, 1]), b), plain(() => matMul(a.selectRows([0, 1]), b)))).toBe(0);
  });

  it("propagates NaN from A like the loop does", () => {
    const a = random(20, 30), b = random(30, 40);
    a.set(3, 4, NaN);
    const c = matMul(a, b);
    for (let j = 0; j < 40; j++) expect(c.get(3, j)).toBeNaN();
    expect(c.get(2, 0)).not.toBeNaN();
  });

  it("checks shapes with the operation's name", () => {
    expect(() => matMulTransposeA(Matrix.zeros(3, 2), Matrix.zeros(4, 2))).toThrow(ShapeError);
    expect(() => matMulTransposeA(Matrix.zeros(3, 2), Matrix.zeros(4, 2))).toThrow(/matMulTransposeA: 3×2ᵀ and 4×2/);
    expect(() => matMulTransposeB(Matrix.zeros(3, 2), Matrix.zeros(4, 3))).toThrow(/matMulTransposeB: 3×2 and 4×3ᵀ/);
  });
});

describe("large products shared with a worker thread", () => {
  // Above the threshold (2^20 multiply-adds), with row counts that leave a short last chunk.
  const large: [number, number, number][] = [[100, 784, 100], [97, 300, 53], [784, 100, 100], [19, 1031, 67], [203, 64, 129]];

  async function pool(): Promise<SharedProducts> {
    const shared = sharedProducts();
    expect(shared).not.toBeNull(); // workers are allowed in the test process
    await shared!.ready;
    return shared!;
  }

  /** The three products of each shape, with and without zeros, against the plain loop: the same numbers. */
  function compareAll(): void {
    for (const [n, m, p] of large) {
      for (const zeros of [0, 0.8]) {
        const a = random(n, m, zeros), b = random(m, p);
        const at = transpose(a), bt = transpose(b);
        const want = plain(() => matMul(a, b));
        for (const fast of [matMul(a, b), matMulTransposeA(at, b), matMulTransposeB(a, bt)]) {
          expect(relativeError(fast, want)).toBeLessThanOrEqual(1e-12);
        }
      }
    }
  }

  /** f with products' use of the worker set to `mode`, then back. */
  function withThreads(mode: "auto" | "always" | "never", f: () => void): void {
    const was = useProductThreads(mode);
    try {
      f();
    } finally {
      useProductThreads(was);
    }
  }

  it("gives the plain loop's numbers when the worker does every chunk", async () => {
    const shared = await pool();
    const rows = shared.rows.bind(shared);
    const before = shared.workerChunks;
    shared.rows = (n, chunkRows, args) => rows(n, chunkRows, args, false); // the main thread only waits
    try {
      withThreads("always", () => {
        compareAll();
        // Much larger than before: the shared memory grows while the worker waits, and it must see the new part.
        const a = random(300, 2000, 0.5), b = random(2000, 200);
        expect(relativeError(matMul(a, b), plain(() => matMul(a, b)))).toBeLessThanOrEqual(1e-12);
      });
    } finally {
      shared.rows = rows;
    }
    expect(shared.workerChunks - before).toBeGreaterThanOrEqual(large.length * 6);
    expect(shared.usable).toBe(true); // no product waited in vain for the worker and gave up on it
  });

  it("gives the plain loop's numbers when both threads take chunks, with the worker switched off, and when timing decides", async () => {
    await pool();
    withThreads("always", compareAll);
    withThreads("never", compareAll);
    withThreads("auto", compareAll);
    expect(() => useProductThreads("sometimes" as "auto")).toThrow(/"auto", "always" or "never"/);
  });

  it("uses the worker for a shape only while timing shows it faster, and tries the other way now and then", () => {
    const choice = new ThreadChoice();
    const run = (key: string, oneThread: number, twoThreads: number, n: number): boolean[] =>
      Array.from({ length: n }, () => {
        const worker = choice.useWorker(key);
        choice.record(key, worker, worker ? twoThreads : oneThread);
        return worker;
      });
    // Both ways first (2 untimed, 6 timed), then the faster, except every 32nd product.
    const fast = run("AB 100 784 100", 3e-4, 2e-4, 96);
    expect(fast.slice(0, 8)).toEqual([false, true, false, true, false, true, false, true]);
    expect(fast.flatMap((w, k) => (k >= 8 && !w ? [k] : []))).toEqual([32, 64]);
    const slow = run("AtB 784 100 100", 3e-4, 9e-4, 96);
    expect(slow.flatMap((w, k) => (k >= 8 && w ? [k] : []))).toEqual([32, 64]);
    // The machine became busy: the worker's times grow, and within a few products the choice follows.
    const later = run("AB 100 784 100", 3e-4, 9e-4, 64);
    expect(later.slice(8).every((w, k) => !w || (k + 8 + 96) % 32 === 0)).toBe(true);
  });
});

describe("allFinite", () => {
  it("finds NaN and ±Infinity at any position, including the last three", () => {
    for (const length of [0, 1, 2, 3, 4, 5, 6, 7, 8, 101]) {
      const d = Float64Array.from({ length }, (_, k) => k - 3.5);
      expect(allFinite(d)).toBe(true);
      for (let k = 0; k < length; k++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const e = d.slice();
          e[k] = bad;
          expect(allFinite(e)).toBe(false);
        }
      }
    }
    expect(allFinite(Float64Array.of(-0, 0, Number.MAX_VALUE, -Number.MIN_VALUE))).toBe(true);
  });
});

describe("the compiled kernel", () => {
  it("is what lib/kernels/product.wat compiles to (run npm run build:kernels if not)", async () => {
    const require = createRequire(__filename);
    const build = require("../../scripts/build-kernels.js") as { generate(): Promise<string>; TARGET: string };
    expect(await build.generate()).toBe(fs.readFileSync(build.TARGET, "utf8"));
  });
});
