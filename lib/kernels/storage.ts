// Storage for new matrices: a speed detail kept out of lib/matrix.ts.

/**
 * Zeroed storage for a new matrix. Small ones are cut from a shared 32 KiB
 * block (as Node does for small Buffers): each `new Float64Array(n)` is a
 * separate zeroed allocation costing about a microsecond, which for the
 * 10×40 matrices of a minibatch takes longer than the arithmetic on them.
 * Every piece is handed out once, so it starts at zero; a block is freed by
 * the garbage collector when no matrix uses it any more (so a long-lived
 * small matrix keeps its 32 KiB block alive). `data.buffer` is therefore
 * shared: copy (`data.slice()`) rather than reuse the buffer.
 */
const POOL_SIZE = 4096; // doubles per block (32 KiB)
const POOL_MAX = 512; // larger requests get their own array
let pool = new Float64Array(POOL_SIZE);
let poolUsed = 0;

export function allocateData(n: number): Float64Array {
  if (n > POOL_MAX) return new Float64Array(n);
  if (poolUsed + n > POOL_SIZE) {
    pool = new Float64Array(POOL_SIZE);
    poolUsed = 0;
  }
  const out = pool.subarray(poolUsed, poolUsed + n);
  poolUsed += n;
  return out;
}
