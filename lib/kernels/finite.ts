// The quick pass behind assertFinite (lib/matrix.ts), which runs on every
// input batch and every gradient: x·0 is 0 for a finite x and NaN for NaN
// and ±∞, so the sum of all x·0 is 0 exactly when every entry is finite.
// Four running sums let the processor work on four entries at a time.

/** True when no entry is NaN or ±Infinity. */
export function allFinite(d: Float64Array): boolean {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n4 = d.length - (d.length % 4);
  for (let k = 0; k < n4; k += 4) {
    s0 += d[k] * 0;
    s1 += d[k + 1] * 0;
    s2 += d[k + 2] * 0;
    s3 += d[k + 3] * 0;
  }
  // The last one to three entries, without a second loop (which V8 was seen
  // to leave and re-enter its optimised code for on every call).
  const rest = d.length - n4;
  if (rest > 0) s0 += d[n4] * 0;
  if (rest > 1) s1 += d[n4 + 1] * 0;
  if (rest > 2) s2 += d[n4 + 2] * 0;
  return s0 + s1 + s2 + s3 === 0;
}
