// The fast matrix product behind matMul (lib/matrix.ts holds the plain loop).
//
// lib/kernels/product.wat, compiled to WebAssembly with SIMD, lists the
// nonzero entries of A and adds up a_ik · (row k of B) in registers, two
// doubles per instruction. It works on its own memory, so each product copies
// A and B in and C out; even so it beats the plain loop from about 10×20·20×40
// up (measured on P1's products), and only products of a few dozen
// multiply-adds stay with the loop. Every entry is summed in the plain loop's
// order with the same operations, so the numbers are the same. Large
// products may share their rows with a worker thread (threads.ts), where
// timing shows that to be faster (thread-choice.ts).
import { productWasmBase64 } from "./product-wasm";
import { allocateData } from "./storage";
import { ThreadChoice } from "./thread-choice";
import { ProductKernel, RowsArguments, sharedProducts, wasmModule } from "./threads";

/** Which operands are used transposed: A·B, Aᵀ·B (A stored m×n) or A·Bᵀ (B stored p×m). */
export type ProductLayout = "AB" | "AtB" | "ABt";

/**
 * Whether large products may use a worker thread: "never" (the default: on the
 * 2-core machine of BENCHMARKS.md it did not make P2 faster), "auto" when
 * timing shows it is faster here (thread-choice.ts), or "always".
 */
export type ProductThreads = "auto" | "always" | "never";

/** Below this many multiply-adds (n·m·p) a call into the kernel is not worth making. */
const SMALL_PRODUCT = 64;
/** From this many multiply-adds (n·m·p) on, a product is shared with a worker thread (threads.ts). */
const PARALLEL_PRODUCT = 2 ** 20;
/** A shared product is cut into about this many chunks of rows, claimed by whichever thread is free. */
const CHUNKS = 8;
/**
 * Rows of B per block: a 12-column panel of 256 rows is 24 KiB, which stays
 * in the 32 KiB level-1 cache while all rows of C pass over it (256 was 5%
 * faster than 128 on X·W(1), 784×100 of digits, and no slower on Aᵀ·B).
 */
const BLOCK_ROWS = 256;
/** Results up to this many entries are cut from the shared small-matrix block (storage.ts). */
const POOLED = 512;
/** Larger working sets than this stay with the plain loop (32-bit wasm addresses). */
const MAX_BYTES = 2 ** 30;

/** The single-threaded kernel and its own memory. */
interface Kernel {
  exports: ProductKernel;
  memory: WebAssembly.Memory;
}

let kernel: Kernel | null | undefined; // undefined: not loaded yet, null: unavailable
let enabled = true;
let threads: ProductThreads = "never";
const choice = new ThreadChoice();

function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const exports = new WebAssembly.Instance(wasmModule(productWasmBase64), {}).exports;
    kernel = { exports: exports as unknown as ProductKernel, memory: exports.memory as WebAssembly.Memory };
  } catch {
    kernel = null; // no WebAssembly SIMD in this runtime: the plain loop does every product
  }
  return kernel;
}

/**
 * Turns the fast kernel on or off for every later product (on by default);
 * off, matMul runs its plain triple loop. Returns the previous setting.
 */
export function useFastProducts(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/**
 * Whether large products (from about a million multiply-adds) may share
 * their rows with a worker thread, where one may run: "never" (the default),
 * "auto" when timing shows it is faster on this machine, or "always".
 * Returns the previous setting. The numbers are the same either way.
 */
export function useProductThreads(mode: ProductThreads): ProductThreads {
  if (mode !== "auto" && mode !== "always" && mode !== "never") {
    throw new RangeError(`useProductThreads: the mode must be "auto", "always" or "never", got ${String(mode)}`);
  }
  const was = threads;
  threads = mode;
  return was;
}

/** True when products of more than a few thousand multiply-adds run in WebAssembly SIMD. */
export function fastProductsAvailable(): boolean {
  return loadKernel() !== null;
}

const align = (bytes: number): number => (bytes + 15) & ~15;

const views = new WeakMap<WebAssembly.Memory, Float64Array>();

/** A kernel's memory, grown to at least `bytes`, as doubles. */
function reserve(memory: WebAssembly.Memory, bytes: number): Float64Array {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
  let view = views.get(memory);
  if (view === undefined || view.byteLength !== memory.buffer.byteLength) views.set(memory, (view = new Float64Array(memory.buffer)));
  return view;
}

/**
 * C = op(A)·op(B), n×p, with the inner dimension m; A and B are row-major
 * (A is m×n for "AtB", B is p×m for "ABt"). Returns null when the plain loop
 * should do it: fast products turned off or unavailable, or a tiny product.
 * Large products are shared with a worker thread where one may run.
 */
export function fastProduct(layout: ProductLayout, A: Float64Array, B: Float64Array, n: number, m: number, p: number): Float64Array | null {
  if (!enabled || n * m * p < SMALL_PRODUCT) return null;
  const shared = threads !== "never" && n * m * p >= PARALLEL_PRODUCT && n >= 16 ? sharedProducts() : null;
  const key = shared !== null ? `${layout} ${n} ${m} ${p}` : "";
  const started = shared !== null ? performance.now() : 0;
  if (shared !== null && (threads === "always" || choice.useWorker(key))) {
    shared.wake();
    // Chunks of a multiple of 8 rows: compressColumns lists Aᵀ's rows eight at a time.
    const chunkRows = 8 * Math.ceil(n / CHUNKS / 8);
    const C = productOn(shared.kernel, shared.memory, layout, A, B, n, m, p, (args) => shared.rows(n, chunkRows, args));
    if (C !== undefined) {
      choice.record(key, true, performance.now() - started);
      return C;
    } // undefined: the worker failed, and the product is done again below
  }
  const k = loadKernel();
  if (k === null) return null;
  const C = productOn(k.exports, k.memory, layout, A, B, n, m, p, (args) => {
    k.exports.productRows(0, n, ...args);
    return true;
  });
  if (shared !== null) choice.record(key, false, performance.now() - started);
  return C ?? null;
}

/**
 * The product on one kernel instance: operands in, all rows of C by `rows`
 * (false if that failed: then undefined), C out; null if it is too large.
 */
function productOn(
  k: ProductKernel,
  memory: WebAssembly.Memory,
  layout: ProductLayout,
  A: Float64Array,
  B: Float64Array,
  n: number,
  m: number,
  p: number,
  rows: (args: RowsArguments) => boolean,
): Float64Array | null | undefined {
  // Memory layout: A, B (m×p, as the kernel reads it), B as stored (for "ABt"), C, row starts, records.
  const aAt = 0;
  const bAt = align(aAt + 8 * n * m);
  const storedAt = layout === "ABt" ? align(bAt + 8 * m * p) : bAt;
  const cAt = align(storedAt + 8 * m * p);
  const startAt = align(cAt + 8 * n * p);
  const blocks = Math.max(1, Math.ceil(m / BLOCK_ROWS));
  const recordsAt = align(startAt + 4 * n * (blocks + 1));
  const end = recordsAt + 16 * n * m;
  if (end > MAX_BYTES) return null;
  const mem = reserve(memory, end);
  mem.set(A, aAt / 8);
  mem.set(B, storedAt / 8);
  if (layout === "ABt") k.transpose(storedAt, p, m, bAt);
  if (!rows([aAt, layout === "AtB" ? 1 : 0, n, m, p, bAt, cAt, startAt, recordsAt, BLOCK_ROWS])) return undefined;
  if (n * p > POOLED) return mem.slice(cAt / 8, cAt / 8 + n * p); // one allocation, no zero-filling first
  const C = allocateData(n * p);
  C.set(mem.subarray(cAt / 8, cAt / 8 + n * p));
  return C;
}
