// Loss functions J(output, y) and their gradients ∂J/∂output — backprop's
// rule 0, the gradient that starts the backward pass.
//
// `output` is the network's last layer h(L) = a(L) (the last activation is the
// identity, so these are real-valued scores), one sample per row, N×k.
// Each loss first computes one number per sample, ℓ_i, then reduces them:
//   reduction "mean" (default): J = (1/N) Σ_i ℓ_i  — the notes' mean loss
//   reduction "sum":            J = Σ_i ℓ_i        — the notes' "total loss"
// and the gradient carries the same factor (1/N or 1).
//
// Label codings (checked; anything else is a RangeError):
//   square_loss            y N×k real numbers          ℓ_i = Σ_k (a_ik − y_ik)²
//   logistic_loss          y N×1 in {−1, 1}            ℓ_i = log(1 + exp(−y_i·a_i))
//   bce_with_logits        y N×1 in {0, 1}             ℓ_i = log(1 + exp(a_i)) − y_i·a_i
//   softmax_cross_entropy  y N×1 class indices 0..C−1  ℓ_i = log Σ_j exp(a_ij) − a_i,y_i
// logistic_loss and bce_with_logits are the same loss under the two codings of
// the binary label (y = 2·y01 − 1), and both are softmax_cross_entropy with
// scores [0, a]. Each name is also the graph operation of lib/autograd/losses.ts
// that computes the same mean loss.

import { logSumExpRows, sigmoid, softplus } from "./activations";
import { Matrix, ShapeError, argmaxRows, assertFinite, shapeOf } from "./matrix";

export type LossName = "square_loss" | "logistic_loss" | "bce_with_logits" | "softmax_cross_entropy";
export type Reduction = "mean" | "sum";

export interface Loss {
  readonly name: LossName;
  /** One line on the label coding this loss expects (used in error messages and docs). */
  readonly labels: string;
  /** ℓ_i for every sample, as an N×1 column. */
  perSample(output: Matrix, y: Matrix): Matrix;
  /** J: the per-sample losses reduced by their mean (default) or sum. */
  value(output: Matrix, y: Matrix, reduction?: Reduction): number;
  /** ∂J/∂output, same shape as output (rule 0). */
  gradient(output: Matrix, y: Matrix, reduction?: Reduction): Matrix;
  /** Turns scores into predictions in this loss's label coding (N×k values or N×1 labels). */
  predict(output: Matrix): Matrix;
}

// ---------------------------------------------------------------- checks

/** 1/N for "mean", 1 for "sum"; anything else is an error. */
function reductionFactor(name: string, n: number, reduction: Reduction): number {
  if (reduction === "mean") return 1 / n;
  if (reduction === "sum") return 1;
  throw new RangeError(`${name}: reduction must be "mean" or "sum", got "${reduction}"`);
}

/**
 * The checks every loss makes before computing anything: a non-empty batch,
 * labels with one row per sample and `yCols` columns, finite numbers, and
 * each label in the loss's coding (`validLabel`). `name` opens each message.
 */
function checkInputs(
  name: string,
  labels: string,
  output: Matrix,
  y: Matrix,
  yCols: number,
  validLabel: (v: number) => boolean,
): void {
  if (output.rows === 0) throw new RangeError(`${name}: empty batch (the output has 0 rows)`);
  if (output.cols === 0) throw new ShapeError(`${name}: the output has 0 columns`);
  if (y.rows !== output.rows || y.cols !== yCols) {
    throw new ShapeError(
      `${name}: labels y are ${shapeOf(y)} but the output is ${shapeOf(output)}; ` +
        `expected y ${output.rows}×${yCols} (${labels})`,
    );
  }
  assertFinite(output, `${name}: output`);
  assertFinite(y, `${name}: labels y`);
  for (let i = 0; i < y.data.length; i++) {
    if (!validLabel(y.data[i])) {
      throw new RangeError(`${name}: label ${y.data[i]} in row ${Math.floor(i / y.cols)} is outside the coding (${labels})`);
    }
  }
}

/** A loss's formulas: its checks, per-sample value, un-reduced gradient and prediction. */
interface LossSpec {
  name: LossName;
  labels: string;
  /** Throws, with messages opening with `where`, unless output and y fit this loss. */
  check(where: string, output: Matrix, y: Matrix): void;
  perSample(output: Matrix, y: Matrix): Matrix;
  gradientOfSum(output: Matrix, y: Matrix): Matrix;
  predict(output: Matrix): Matrix;
}

/** Builds a Loss from its spec; `where` names it in error messages (the graph ops pass their own name). */
function makeLoss(spec: LossSpec, where: string = spec.name): Loss {
  return {
    name: spec.name,
    labels: spec.labels,
    perSample(output, y) {
      spec.check(where, output, y);
      return spec.perSample(output, y);
    },
    value(output, y, reduction = "mean") {
      spec.check(where, output, y);
      const factor = reductionFactor(where, output.rows, reduction);
      const l = spec.perSample(output, y).data;
      let s = 0;
      for (let i = 0; i < l.length; i++) s += l[i];
      return s * factor;
    },
    gradient(output, y, reduction = "mean") {
      spec.check(where, output, y);
      const factor = reductionFactor(where, output.rows, reduction);
      const g = spec.gradientOfSum(output, y);
      // Scale in place: g is a fresh matrix that nobody else holds yet.
      if (factor !== 1) for (let k = 0; k < g.data.length; k++) g.data[k] *= factor;
      return g;
    },
    predict(output) {
      return spec.predict(output);
    },
  };
}

/** Applies f(a_i, y_i) row by row to an N×1 output and N×1 labels. */
function perRow(output: Matrix, y: Matrix, f: (a: number, y: number) => number): Matrix {
  const out = new Matrix(output.rows, 1);
  for (let i = 0; i < output.rows; i++) out.data[i] = f(output.data[i], y.data[i]);
  return out;
}

function oneOutput(name: string, output: Matrix): void {
  if (output.cols !== 1) {
    throw new ShapeError(`${name}: needs one output unit (an N×1 score), got ${shapeOf(output)}`);
  }
}

// ---------------------------------------------------------------- the losses

/** Square loss ℓ_i = Σ_k (a_ik − y_ik)²; gradient 2(a − y). With k = 1 and "mean" this is the MSE. */
const squareLoss: LossSpec = {
  name: "square_loss",
  labels: "y N×k real numbers, the same shape as the output",
  check(where, output, y) {
    checkInputs(where, this.labels, output, y, output.cols, () => true);
  },
  perSample(output, y) {
    const out = new Matrix(output.rows, 1);
    const k = output.cols;
    for (let i = 0; i < output.rows; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) {
        const d = output.data[i * k + j] - y.data[i * k + j];
        s += d * d;
      }
      out.data[i] = s;
    }
    return out;
  },
  gradientOfSum(output, y) {
    const g = new Matrix(output.rows, output.cols);
    for (let k = 0; k < g.data.length; k++) g.data[k] = 2 * (output.data[k] - y.data[k]);
    return g;
  },
  predict: (output) => output.clone(),
};

/**
 * Logistic loss for labels y ∈ {−1, 1}: ℓ = log(1 + exp(−y·a)),
 * ∂ℓ/∂a = −y / (1 + exp(y·a)) = −y·σ(−y·a) (σ stable, so no overflow either way).
 */
const logisticLoss: LossSpec = {
  name: "logistic_loss",
  labels: "y N×1 with values −1 or 1",
  check(where, output, y) {
    oneOutput(where, output);
    checkInputs(where, this.labels, output, y, 1, (v) => v === 1 || v === -1);
  },
  perSample: (output, y) => perRow(output, y, (a, yi) => softplus(-yi * a)),
  gradientOfSum: (output, y) => perRow(output, y, (a, yi) => -yi * sigmoid(-yi * a)),
  predict: (output) => output.map((a) => (a > 0 ? 1 : -1)),
};

/**
 * Binary cross-entropy on the logit a for labels y ∈ {0, 1} (torch's
 * BCEWithLogitsLoss): ℓ = −[y·log σ(a) + (1−y)·log(1−σ(a))] = softplus(a) − y·a,
 * ∂ℓ/∂a = σ(a) − y.
 */
const bceWithLogits: LossSpec = {
  name: "bce_with_logits",
  labels: "y N×1 with values 0 or 1",
  check(where, output, y) {
    oneOutput(where, output);
    checkInputs(where, this.labels, output, y, 1, (v) => v === 0 || v === 1);
  },
  perSample: (output, y) => perRow(output, y, (a, yi) => softplus(a) - yi * a),
  gradientOfSum: (output, y) => perRow(output, y, (a, yi) => sigmoid(a) - yi),
  predict: (output) => output.map((a) => (a > 0 ? 1 : 0)),
};

/**
 * Softmax cross-entropy for C classes, y_i ∈ {0, …, C−1}: with
 * L_i = log Σ_j exp(a_ij) (log-sum-exp, stable), ℓ_i = L_i − a_i,y_i
 * = −log softmax(a_i)_y_i, and ∂ℓ_i/∂a_ik = exp(a_ik − L_i) − I[y_i = k].
 */
const softmaxCrossEntropy: LossSpec = {
  name: "softmax_cross_entropy",
  labels: "y N×1 of integer class indices 0..C−1, C = number of output units",
  check(where, output, y) {
    const labels = `${this.labels}; here 0..${output.cols - 1}`;
    checkInputs(where, labels, output, y, 1, (v) => Number.isInteger(v) && v >= 0 && v < output.cols);
  },
  perSample(output, y) {
    const L = logSumExpRows(output);
    const c = output.cols;
    for (let i = 0; i < output.rows; i++) L.data[i] -= output.data[i * c + y.data[i]];
    return L;
  },
  gradientOfSum(output, y) {
    const L = logSumExpRows(output);
    const c = output.cols;
    const g = new Matrix(output.rows, c);
    for (let i = 0; i < output.rows; i++) {
      for (let k = 0; k < c; k++) g.data[i * c + k] = Math.exp(output.data[i * c + k] - L.data[i]);
      g.data[i * c + y.data[i]] -= 1; // − I[y_i = k]
    }
    return g;
  },
  predict: (output) => Matrix.column(argmaxRows(output)),
};

const specs: Record<LossName, LossSpec> = {
  square_loss: squareLoss,
  logistic_loss: logisticLoss,
  bce_with_logits: bceWithLogits,
  softmax_cross_entropy: softmaxCrossEntropy,
};

export const losses: Record<LossName, Loss> = {
  square_loss: makeLoss(squareLoss),
  logistic_loss: makeLoss(logisticLoss),
  bce_with_logits: makeLoss(bceWithLogits),
  softmax_cross_entropy: makeLoss(softmaxCrossEntropy),
};

/**
 * The checks loss `name` makes on labels y, for a batch whose output has `outputs` units: the
 * tfjs twin's (its scores are tensors, so the output itself is not there to check; zeros of
 * its shape stand in and pass every check on the output).
 */
export function checkLabels(name: LossName, where: string, y: Matrix, outputs: number): void {
  specs[name].check(where, new Matrix(y.rows, outputs), y);
}

/** The loss `name` with `where` opening its error messages: the graph's loss ops share these formulas and checks. */
export function lossNamed(name: LossName, where: string): Loss {
  return makeLoss(specs[name], where);
}

/** The loss called `name` (a Loss object passes through); a RangeError lists the valid names otherwise. */
export function getLoss(name: LossName | Loss | string): Loss {
  if (typeof name === "object") return name;
  if (!Object.prototype.hasOwnProperty.call(losses, name)) {
    throw new RangeError(`unknown loss "${name}"; choose one of ${Object.keys(losses).join(", ")}`);
  }
  return losses[name as LossName];
}
