// Activation functions σ(a), applied element-wise to a layer's pre-activation
// a(l) to give its units h(l) = σ(a(l)), each next to its derivative σ'(a).
//
// Backprop rule 2 needs σ'(a) evaluated at the pre-activation the forward pass
// saw, so every Activation exposes `derivative(a)` taking a (not h).
//
// Also here: the scalar sigmoid and softplus every loss uses, and the
// row-wise softmax and log-sum-exp that turn a row of class
// scores into probabilities without overflow (used by the softmax loss).

import { reluInto } from "./kernels/relu";
import { Matrix, ShapeError } from "./matrix";

export type ActivationName = "identity" | "relu" | "sigmoid" | "tanh";

export interface Activation {
  readonly name: ActivationName;
  /** h = σ(a), element-wise. */
  forward(a: Matrix): Matrix;
  /** σ'(a), element-wise, evaluated at the pre-activation a. */
  derivative(a: Matrix): Matrix;
}

/**
 * The logistic function 1 / (1 + e^(−x)), written so that e^(…) is only taken
 * of a non-positive number: for x = −1000 the naive form computes e^1000 = ∞.
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x); // in (0, 1): no overflow
  return e / (1 + e);
}

/** Softplus log(1 + e^x) without overflow: max(x, 0) + log(1 + e^(−|x|)). */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Applies a scalar function to every entry (a fresh matrix; the input is untouched). */
function elementwise(a: Matrix, f: (x: number) => number): Matrix {
  const out = new Matrix(a.rows, a.cols);
  const A = a.data, O = out.data;
  for (let k = 0; k < A.length; k++) O[k] = f(A[k]);
  return out;
}

/** σ(a) = a, σ'(a) = 1. The last layer always uses it: the network outputs real scores. */
const identity: Activation = {
  name: "identity",
  // Returns its input itself: nothing is computed, so nothing is copied.
  forward: (a) => a,
  derivative: (a) => Matrix.ones(a.rows, a.cols),
};

/** σ(a) = max(a, 0); σ'(a) = 1 if a > 0 else 0 (we take 0 at the kink a = 0, as torch does). */
const relu: Activation = {
  name: "relu",
  forward: (a) => reluMap(a, false),
  derivative: (a) => reluMap(a, true),
};

/** ReLU's values, or with `slope` its slope, as a new matrix (the loops: lib/kernels/relu.ts). */
function reluMap(a: Matrix, slope: boolean): Matrix {
  const out = new Matrix(a.rows, a.cols);
  reluInto(a.data, out.data, slope);
  return out;
}

/** σ(a) = 1/(1+e^(−a)); σ'(a) = σ(a)·(1 − σ(a)) = σ(a)·σ(−a). */
const sigmoidActivation: Activation = {
  name: "sigmoid",
  forward: (a) => elementwise(a, sigmoid),
  derivative: (a) =>
    elementwise(a, (x) => {
      const s = sigmoid(x);
      return s * (1 - s);
    }),
};

/** σ(a) = tanh(a); σ'(a) = 1 − tanh(a)². */
const tanh: Activation = {
  name: "tanh",
  forward: (a) => elementwise(a, Math.tanh),
  derivative: (a) =>
    elementwise(a, (x) => {
      const t = Math.tanh(x);
      return 1 - t * t;
    }),
};

export const activations: Record<ActivationName, Activation> = {
  identity,
  relu,
  sigmoid: sigmoidActivation,
  tanh,
};

/** The activation called `name`; a RangeError lists the valid names otherwise. */
export function getActivation(name: ActivationName | string): Activation {
  if (!Object.prototype.hasOwnProperty.call(activations, name)) {
    throw new RangeError(`unknown activation "${name}"; choose one of ${Object.keys(activations).join(", ")}`);
  }
  return activations[name as ActivationName];
}

// ---------------------------------------------------------------- softmax

function assertHasColumns(op: string, z: Matrix): void {
  if (z.cols === 0) throw new ShapeError(`${op}: needs at least one column (class), got ${z.rows}×0`);
}

/**
 * log Σ_j exp(v_j) of a list of numbers, by the log-sum-exp trick: with
 * M = max_j v_j, it equals M + log Σ_j exp(v_j − M), where every exponent is
 * ≤ 0, so nothing overflows and the largest term is 1.
 */
export function logSumExp(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let j = 0; j < values.length; j++) if (values[j] > m) m = values[j];
  let s = 0;
  for (let j = 0; j < values.length; j++) s += Math.exp(values[j] - m);
  return m + Math.log(s);
}

/** L_i = log Σ_j exp(z_ij) for every row i, as an N×1 column (see logSumExp). */
export function logSumExpRows(z: Matrix): Matrix {
  assertHasColumns("logSumExpRows", z);
  const out = new Matrix(z.rows, 1);
  const c = z.cols;
  for (let i = 0; i < z.rows; i++) out.data[i] = logSumExp(z.data.subarray(i * c, (i + 1) * c));
  return out;
}

/**
 * Row-wise softmax p_ij = exp(z_ij) / Σ_k exp(z_ik). Subtracting the row
 * maximum M first (p is unchanged: the factor e^(−M) cancels) keeps every
 * exponent ≤ 0, so large scores do not overflow. Each row sums to 1.
 * (Not exp(z_ij − L_i) with the log-sum-exp: for large scores L_i carries an
 * absolute rounding error that the shift-and-divide form avoids.)
 */
export function softmaxRows(z: Matrix): Matrix {
  assertHasColumns("softmaxRows", z);
  const out = new Matrix(z.rows, z.cols);
  const Z = z.data, P = out.data, c = z.cols;
  for (let i = 0; i < z.rows; i++) {
    const off = i * c;
    let m = -Infinity;
    for (let j = 0; j < c; j++) if (Z[off + j] > m) m = Z[off + j];
    let s = 0;
    for (let j = 0; j < c; j++) {
      P[off + j] = Math.exp(Z[off + j] - m);
      s += P[off + j];
    }
    for (let j = 0; j < c; j++) P[off + j] /= s;
  }
  return out;
}
