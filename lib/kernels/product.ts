// The fast matrix product behind matMul (lib/matrix.ts holds the plain loop).
//
// lib/kernels/product.wat, compiled to WebAssembly with SIMD, lists the
// nonzero entries of A and adds up a_ik · (row k of B) in registers, two
// doubles per instruction. It works on its own memory, so each product copies
// A and B in and C out; even so it beats the plain loop from about 10×20·20×40
// up (measured on P1's products), and only products of a few dozen
// multiply-adds stay with the loop. Every entry is summed in the plain loop's
// order with the same operations, so the numbers are the same.
import { productWasmBase64 } from "./product-wasm";
import { allocateData } from "./storage";

/** Which operands are used transposed: A·B, Aᵀ·B (A stored m×n) or A·Bᵀ (B stored p×m). */
export type ProductLayout = "AB" | "AtB" | "ABt";

interface ProductExports {
  memory: WebAssembly.Memory;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  productRows(i0: number, i1: number, a: number, transposed: number, n: number, m: number, p: number, b: number, c: number, start: number, records: number, kb: number): void;
}

/** Below this many multiply-adds (n·m·p) a call into the kernel is not worth making. */
const SMALL_PRODUCT = 64;
/**
 * Rows of B per block: a 16-column panel of 128 rows is 16 KiB, which stays
 * in the level-1 cache while all rows of C pass over it.
 */
const BLOCK_ROWS = 128;
/** Results up to this many entries are cut from the shared small-matrix block (storage.ts). */
const POOLED = 512;
/** Larger working sets than this stay with the plain loop (32-bit wasm addresses). */
const MAX_BYTES = 2 ** 30;

let kernel: ProductExports | null | undefined; // undefined: not loaded yet, null: unavailable
let heap = new Float64Array(0);
let enabled = true;

function loadKernel(): ProductExports | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = Uint8Array.from(atob(productWasmBase64), (ch) => ch.charCodeAt(0));
    kernel = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as ProductExports;
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

/** True when products of more than a few thousand multiply-adds run in WebAssembly SIMD. */
export function fastProductsAvailable(): boolean {
  return loadKernel() !== null;
}

const align = (bytes: number): number => (bytes + 15) & ~15;

/** The kernel's memory, grown to at least `bytes`, as doubles. */
function reserve(k: ProductExports, bytes: number): Float64Array {
  const have = k.memory.buffer.byteLength;
  if (have < bytes) k.memory.grow(Math.ceil((bytes - have) / 65536));
  if (heap.buffer !== k.memory.buffer) heap = new Float64Array(k.memory.buffer);
  return heap;
}

/**
 * C = op(A)·op(B), n×p, with the inner dimension m; A and B are row-major
 * (A is m×n for "AtB", B is p×m for "ABt"). Returns null when the plain loop
 * should do it: fast products turned off or unavailable, or a tiny product.
 */
export function fastProduct(layout: ProductLayout, A: Float64Array, B: Float64Array, n: number, m: number, p: number): Float64Array | null {
  if (!enabled || n * m * p < SMALL_PRODUCT) return null;
  const k = loadKernel();
  if (k === null) return null;
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
  const mem = reserve(k, end);
  mem.set(A, aAt / 8);
  mem.set(B, storedAt / 8);
  if (layout === "ABt") k.transpose(storedAt, p, m, bAt);
  k.productRows(0, n, aAt, layout === "AtB" ? 1 : 0, n, m, p, bAt, cAt, startAt, recordsAt, BLOCK_ROWS);
  if (n * p > POOLED) return mem.slice(cAt / 8, cAt / 8 + n * p); // one allocation, no zero-filling first
  const C = allocateData(n * p);
  C.set(mem.subarray(cAt / 8, cAt / 8 + n * p));
  return C;
}
