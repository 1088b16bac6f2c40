// Gradient checking: an independent estimate of ∇f by central finite
// differences, to test hand-written backprop against.
//
//   ∂f/∂θ ≈ (f(θ + ε) − f(θ − ε)) / (2ε)
//
// The central difference is exact up to O(ε²) (a one-sided difference only
// O(ε)); round-off adds about machine-ε·|f|/ε, so ε = 1e-6 in float64 gives
// roughly 8–10 correct digits for smooth functions. Near a kink (relu at 0)
// the estimate is meaningless: keep inputs away from kinks when checking.

import { Matrix, ShapeError, assertSameShape, maxAbsDiff } from "./matrix";

/**
 * Central-difference gradient of the scalar f() with respect to every entry of
 * every matrix in `params`. Each entry is perturbed in place, f is
 * re-evaluated, and the entry is restored exactly, so `params` is unchanged
 * afterwards (f must read the parameters from these very matrices).
 * Returns one matrix per parameter, in the same shapes.
 */
export function numericalGradient(f: () => number, params: Matrix[], eps = 1e-6): Matrix[] {
  if (!(eps > 0)) throw new RangeError(`numericalGradient: eps must be > 0, got ${eps}`);
  return params.map((p, idx) => {
    const g = new Matrix(p.rows, p.cols);
    for (let k = 0; k < p.data.length; k++) {
      const saved = p.data[k];
      p.data[k] = saved + eps;
      const up = f();
      p.data[k] = saved - eps;
      const down = f();
      p.data[k] = saved; // restore the exact value, not saved + eps − eps
      g.data[k] = (up - down) / (2 * eps);
      if (!Number.isFinite(g.data[k])) {
        throw new RangeError(`numericalGradient: f is not finite around parameter ${idx}, entry ${k} (f(+ε) = ${up}, f(−ε) = ${down})`);
      }
    }
    return g;
  });
}

/**
 * Relative error between two gradients of one shape:
 *
 *   max_k |a_k − b_k| / max(1e-12, max_k |a_k|, max_k |b_k|)
 *
 * i.e. the largest absolute difference measured against the largest entry
 * (not entry by entry, which would blow up for entries that are ~0 in both).
 * The 1e-12 floor keeps two all-zero gradients at error 0 instead of 0/0.
 */
export function relativeError(a: Matrix, b: Matrix): number {
  assertSameShape("relativeError", a, b);
  return maxAbsDiff(a, b) / Math.max(1e-12, largestEntry(a), largestEntry(b));
}

/**
 * relativeError over a whole list of gradients taken together (all entries
 * of all matrices pooled): the largest difference against the largest entry.
 */
export function maxRelativeError(as: Matrix[], bs: Matrix[]): number {
  if (as.length !== bs.length) throw new ShapeError(`maxRelativeError: ${as.length} matrices against ${bs.length}`);
  let diff = 0, scale = 1e-12;
  as.forEach((a, i) => {
    assertSameShape(`maxRelativeError: matrix ${i}`, a, bs[i]);
    diff = Math.max(diff, maxAbsDiff(a, bs[i]));
    scale = Math.max(scale, largestEntry(a), largestEntry(bs[i]));
  });
  return diff / scale;
}

/** max_k |m_k|. */
function largestEntry(m: Matrix): number {
  let s = 0;
  for (let k = 0; k < m.data.length; k++) s = Math.max(s, Math.abs(m.data[k]));
  return s;
}
