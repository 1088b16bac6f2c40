// How far are two gradients apart? Used to check hand-coded backprop
// (float64) against tfjs's automatic differentiation (float32).
//
// Relative error of one parameter's gradient, a = hand, b = tfjs:
//
//   rel = max_k |a_k − b_k| / max(‖a‖₂, ‖b‖₂, floor)
//
// i.e. the worst entry's error measured against the size of the whole
// gradient of that parameter. Entry by entry (|a_k − b_k| / |a_k|) would be
// meaningless for float32: an entry that is ~0 is the difference of numbers
// of ordinary size, and keeps their rounding error (~1e-7 of them), which is
// huge relative to ~0. The norm is the natural scale of that rounding, and
// since every |a_k| ≤ ‖a‖₂ this is never looser than max(|a_k|, |b_k|).
// `floor` (default 1e-12) keeps two all-zero gradients (a dead ReLU layer) at 0.
import { LossName, Reduction } from "../losses";
import { Matrix, ShapeError, assertSameShape, maxAbsDiff } from "../matrix";
import { Gradients, MLP } from "../mlp";
import { BackendName, activeBackend, isMissingKernelError, loadBackend, tfjs, withBackend } from "./backend";
import { tfjsTwin } from "./twin";

export interface ParameterDifference {
  /** "W(1)", "b(2)", … in the notes' layer numbering. */
  name: string;
  maxAbs: number;
  maxRel: number;
}

export interface GradientComparison {
  parameters: ParameterDifference[];
  /** The largest maxAbs / maxRel over all parameters. */
  maxAbs: number;
  maxRel: number;
}

function norm(m: Matrix): number {
  let s = 0;
  for (let k = 0; k < m.data.length; k++) s += m.data[k] * m.data[k];
  return Math.sqrt(s);
}

/** Max absolute and relative difference between two gradients of one shape (see the file comment). */
export function gradientDifference(a: Matrix, b: Matrix, floor = 1e-12): { maxAbs: number; maxRel: number } {
  assertSameShape("gradientDifference", a, b);
  const maxAbs = maxAbsDiff(a, b);
  if (Number.isNaN(maxAbs) || a.data.some(Number.isNaN) || b.data.some(Number.isNaN)) return { maxAbs: NaN, maxRel: NaN };
  return { maxAbs, maxRel: maxAbs / Math.max(norm(a), norm(b), floor) };
}

/** Per-parameter and overall differences between two Gradients (e.g. hand-coded vs tfjs). */
export function compareGradients(hand: Gradients, other: Gradients, opts: { floor?: number } = {}): GradientComparison {
  const pairs: [string, Matrix, Matrix][] = [];
  for (const kind of ["weights", "biases"] as const) {
    if (hand[kind].length !== other[kind].length) {
      throw new ShapeError(`compareGradients: ${hand[kind].length} ${kind} gradients against ${other[kind].length}`);
    }
    hand[kind].forEach((g, i) => pairs.push([`${kind === "weights" ? "W" : "b"}(${i + 1})`, g, other[kind][i]]));
  }
  const parameters = pairs.map(([name, a, b]) => ({ name, ...gradientDifference(a, b, opts.floor) }));
  // Math.max propagates NaN, so a NaN anywhere shows in the totals.
  return {
    parameters,
    maxAbs: Math.max(0, ...parameters.map((p) => p.maxAbs)),
    maxRel: Math.max(0, ...parameters.map((p) => p.maxRel)),
  };
}

export interface TfjsCheck {
  /** Where tfjs computed. */
  backend: string;
  /** Set when the active backend lacked a kernel and the check ran on "cpu" instead. */
  fallback?: string;
  loss: { hand: number; tfjs: number };
  /** hand-coded (rules 0–3) vs tf.variableGrads. */
  comparison: GradientComparison;
  /** tf.grads vs tf.variableGrads (the two tfjs routes must agree). */
  gradsVsVariableGrads: GradientComparison;
}

/**
 * Computes ∇J for one batch by hand (mlp.lossAndGradients) and by tfjs (a
 * twin with the same weights), and compares them. If the active backend
 * lacks a kernel the computation needs, it is redone on "cpu" and the
 * result says so — a missing kernel never fails the check by itself.
 */
export async function checkAgainstTfjs(mlp: MLP, X: Matrix, y: Matrix, loss: LossName, reduction: Reduction = "mean"): Promise<TfjsCheck> {
  if (activeBackend() === null) await loadBackend();
  const hand = mlp.lossAndGradients(X, y, loss, reduction);
  const run = (): Omit<TfjsCheck, "fallback"> => {
    const twin = tfjsTwin(mlp);
    try {
      const viaVariableGrads = twin.gradients(X, y, loss, reduction);
      const viaGrads = twin.gradientsByGrads(X, y, loss, reduction);
      return {
        backend: tfjs().getBackend(),
        loss: { hand: hand.loss, tfjs: viaVariableGrads.loss },
        comparison: compareGradients(hand.gradients, viaVariableGrads.gradients),
        gradsVsVariableGrads: compareGradients(viaGrads, viaVariableGrads.gradients),
      };
    } finally {
      twin.dispose();
    }
  };
  try {
    return run();
  } catch (e) {
    const current = tfjs().getBackend() as BackendName;
    if (!isMissingKernelError(e) || current === "cpu") throw e;
    const result = await withBackend("cpu", run);
    return { ...result, fallback: `${current} lacks a kernel (${(e as Error).message.split("\n")[0]}); compared on cpu` };
  }
}
