// One gradient-descent step, and the three ways of walking through the data
// with it: full batch, minibatches, single observations (stochastic).
//
// These helpers reproduce the lecture's computation exercise. There the
// per-observation gradients are given once, computed at the starting weights,
// and reused for every step. That is the exercise's simplification: in real
// training each step would recompute the gradients at the *current* weights
// (which is what the optimisers in optimizers.ts are for). Here the point is
// the bookkeeping: which gradients are combined, and how many steps an epoch
// takes.

import { batchIndices, checkBatchSize } from "../data/loader";
import { Matrix, ShapeError, shapeOf } from "../matrix";

/**
 * How a batch's per-observation gradients are combined into one step:
 * - "sum":  the loss is the TOTAL over the batch, so the step uses Σᵢ gᵢ
 *           (the exercise slide says "L is total loss");
 * - "mean": the loss is the MEAN over the batch, so the step uses (1/|B|) Σᵢ gᵢ
 *           (the notes' algorithm slides, and most libraries).
 * For a batch of one observation the two agree.
 */
export type GradientConvention = "sum" | "mean";

/** Throws unless the learning rate is a finite number > 0. */
export function checkLearningRate(lr: number, where: string): void {
  if (typeof lr !== "number" || !Number.isFinite(lr) || lr <= 0) {
    throw new RangeError(`${where}: the learning rate must be a finite number > 0, got ${lr}`);
  }
}

/**
 * w ← w − α·g: one step against the gradient. Works on plain vectors
 * (`number[]`) or on a Matrix; returns a new value and leaves the input alone.
 */
export function gradientStep(params: number[], grad: number[], lr: number): number[];
export function gradientStep(params: Matrix, grad: Matrix, lr: number): Matrix;
export function gradientStep(params: number[] | Matrix, grad: number[] | Matrix, lr: number): number[] | Matrix {
  checkLearningRate(lr, "gradientStep");
  if (params instanceof Matrix) {
    if (!(grad instanceof Matrix) || grad.rows !== params.rows || grad.cols !== params.cols) {
      const g = grad instanceof Matrix ? `${shapeOf(grad)}` : `an array of ${grad.length}`;
      throw new ShapeError(`gradientStep: parameters are ${shapeOf(params)} but the gradient is ${g}`);
    }
    return params.map((w, i, j) => w - lr * grad.data[i * grad.cols + j]);
  }
  if (grad instanceof Matrix || grad.length !== params.length) {
    const g = grad instanceof Matrix ? `a ${shapeOf(grad)} Matrix` : `${grad.length} values`;
    throw new ShapeError(`gradientStep: ${params.length} parameters but the gradient has ${g}`);
  }
  return params.map((w, k) => w - lr * grad[k]);
}

export interface DescentOptions {
  /** Step size α > 0. */
  lr: number;
  /** Observation indices (0-based) of each step's batch, in the order the steps are taken. */
  batches: number[][];
  /** How a batch's gradients are combined; see GradientConvention. */
  convention: GradientConvention;
}

/**
 * Takes one step per batch, starting from v0, and returns v after each step
 * (so the result has `batches.length` entries; v0 itself is not repeated).
 *
 * `perObservationGrads[i]` is the gradient of observation i's loss. As in the
 * lecture exercise these are fixed numbers, not recomputed at each new v.
 */
export function descentSteps(v0: number[], perObservationGrads: number[][], opts: DescentOptions): number[][] {
  const { lr, batches, convention } = opts;
  checkLearningRate(lr, "descentSteps");
  if (convention !== "sum" && convention !== "mean") {
    throw new RangeError(`descentSteps: convention must be "sum" or "mean", got ${String(convention)}`);
  }
  const n = perObservationGrads.length;
  perObservationGrads.forEach((g, i) => {
    if (g.length !== v0.length) {
      throw new ShapeError(`descentSteps: gradient of observation ${i} has ${g.length} values, v has ${v0.length}`);
    }
  });
  const path: number[][] = [];
  let v = v0.slice();
  batches.forEach((batch, b) => {
    if (batch.length === 0) throw new RangeError(`descentSteps: batch ${b} is empty`);
    const combined = new Array<number>(v.length).fill(0);
    for (const i of batch) {
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new RangeError(`descentSteps: batch ${b} names observation ${i}, but there are ${n} (indices 0..${n - 1})`);
      }
      for (let k = 0; k < v.length; k++) combined[k] += perObservationGrads[i][k];
    }
    // The only difference between the conventions: divide by the batch size or not.
    const factor = convention === "mean" ? 1 / batch.length : 1;
    v = gradientStep(v, combined.map((s) => s * factor), lr);
    path.push(v);
  });
  return path;
}

/** Consecutive batches 0..b−1, b..2b−1, …; the last one is shorter when b does not divide n. */
export function consecutiveBatches(n: number, batchSize: number): number[][] {
  checkBatchSize(batchSize, "consecutiveBatches");
  return batchIndices(n, batchSize);
}

/** Full gradient method: one step using every observation. Returns the new v. */
export function fullBatchStep(
  v0: number[],
  perObservationGrads: number[][],
  opts: { lr: number; convention: GradientConvention },
): number[] {
  const all = perObservationGrads.map((_, i) => i);
  return descentSteps(v0, perObservationGrads, { ...opts, batches: [all] })[0];
}

/**
 * Minibatch method: one step per batch. Give either `batchSize` (consecutive
 * batches in observation order) or explicit `batches`. Returns v after each step.
 */
export function minibatchSteps(
  v0: number[],
  perObservationGrads: number[][],
  opts: { lr: number; convention: GradientConvention; batchSize?: number; batches?: number[][] },
): number[][] {
  const batches = opts.batches ?? consecutiveBatches(perObservationGrads.length, opts.batchSize ?? NaN);
  return descentSteps(v0, perObservationGrads, { lr: opts.lr, convention: opts.convention, batches });
}

/**
 * Stochastic method: one step per observation, in `order` (default 0, 1, …, n−1).
 * Returns v after each step. The convention does not matter for a batch of one.
 */
export function stochasticSteps(
  v0: number[],
  perObservationGrads: number[][],
  opts: { lr: number; convention?: GradientConvention; order?: number[] },
): number[][] {
  const order = opts.order ?? perObservationGrads.map((_, i) => i);
  return descentSteps(v0, perObservationGrads, {
    lr: opts.lr,
    convention: opts.convention ?? "sum",
    batches: order.map((i) => [i]),
  });
}
