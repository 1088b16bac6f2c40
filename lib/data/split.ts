// Train / validation / test split.
//
// The model is fitted on the training part, its hyper-parameters (epochs for
// early stopping, learning rate, size) are chosen on the validation part, and
// the test part is used once at the end, for an unbiased estimate of how well
// it generalises.

import { Matrix } from "../matrix";
import { Rng } from "../random";
import { Dataset, checkDataset } from "./dataset";

export interface SplitPart extends Dataset {
  /** Row numbers of these samples in the full data set. */
  indices: number[];
}

export interface SplitOptions {
  /** Fraction of the samples for validation, in [0, 1) (default 0.2). */
  validation?: number;
  /** Fraction of the samples for testing, in [0, 1) (default 0.2). */
  test?: number;
  /** Seed for the random assignment (default 0). */
  seed?: number;
  /** Shuffle before cutting (default true); false keeps row order: train, validation, test. */
  shuffle?: boolean;
}

/**
 * Randomly assigns round(validation·N) samples to validation, round(test·N)
 * to test and the rest (at least one) to training. Each sample lands in
 * exactly one part.
 */
export function trainValidationTestSplit(
  X: Matrix,
  y: Matrix,
  options: SplitOptions = {},
): { train: SplitPart; validation: SplitPart; test: SplitPart } {
  checkDataset(X, y, "trainValidationTestSplit");
  const fv = options.validation ?? 0.2;
  const ft = options.test ?? 0.2;
  for (const [name, f] of [["validation", fv], ["test", ft]] as const) {
    if (!(f >= 0 && f < 1)) throw new RangeError(`trainValidationTestSplit: ${name} fraction must be in [0, 1), got ${f}`);
  }
  const n = X.rows;
  const nv = Math.round(fv * n);
  const nt = Math.round(ft * n);
  if (nv + nt >= n) {
    throw new RangeError(
      `trainValidationTestSplit: ${nv} validation + ${nt} test samples leave none of the ${n} for training`,
    );
  }
  const order = options.shuffle === false ? Array.from({ length: n }, (_, i) => i) : new Rng(options.seed ?? 0).permutation(n);
  const part = (indices: number[]): SplitPart => ({ X: X.selectRows(indices), y: y.selectRows(indices), indices });
  return {
    train: part(order.slice(0, n - nv - nt)),
    validation: part(order.slice(n - nv - nt, n - nt)),
    test: part(order.slice(n - nt)),
  };
}

/** Two-way version: `{ train, test }` with a `test` fraction (default 0.2). */
export function trainTestSplit(
  X: Matrix,
  y: Matrix,
  options: { test?: number; seed?: number; shuffle?: boolean } = {},
): { train: SplitPart; test: SplitPart } {
  const { train, test } = trainValidationTestSplit(X, y, { ...options, validation: 0 });
  return { train, test };
}
