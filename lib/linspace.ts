// Evenly spaced sample points, for dataset curves and plot grids.

/**
 * n evenly spaced numbers from lo to hi, both ends included: lo + (hi − lo)·k/(n − 1)
 * for k = 0..n−1. Edge rule (as numpy's linspace): n = 1 gives [lo] and n = 0
 * gives []; n must be a non-negative integer.
 */
export function linspace(lo: number, hi: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`linspace: the number of points must be an integer ≥ 0, got ${n}`);
  if (n === 1) return [lo];
  return Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));
}
