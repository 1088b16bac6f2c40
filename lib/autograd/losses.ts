// Loss Operations: the last node of a training graph. Each takes the
// network's scores and an InitialNode of labels and returns the 1×1 MEAN loss
// over the batch, so that `loss.backward()` starts the back-propagation.
//
// Labels are constants of the graph: they receive a zero gradient.

import * as M from "../matrix";
import { Matrix, ShapeError } from "../matrix";
import { Node, Operation } from "./node";
import { stableSigmoid } from "./ops";

const fmt = (m: Matrix) => `${m.rows}×${m.cols}`;

/** log(1 + e^z) without overflow for large z (and without losing small values). */
export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** Scores N×1 and labels N×1, N ≥ 1, every label in `allowed`. */
function checkBinary(op: string, A: Matrix, y: Matrix, allowed: readonly number[]): void {
  if (A.cols !== 1 || y.rows !== A.rows || y.cols !== 1) {
    throw new ShapeError(`${op}: scores ${fmt(A)} and labels ${fmt(y)} must both be N×1 with the same N`);
  }
  if (A.rows === 0) throw new RangeError(`${op}: empty batch (0 samples)`);
  for (let i = 0; i < y.rows; i++) {
    if (!allowed.includes(y.data[i])) {
      throw new RangeError(`${op}: label ${y.data[i]} at row ${i} is not one of {${allowed.join(", ")}}`);
    }
  }
}

const zerosLike = (m: Matrix) => Matrix.zeros(m.rows, m.cols);

/**
 * logistic_loss(A, y) with labels y ∈ {−1, 1}: mean over the batch of
 * J_i = log(1 + exp(−y_i·A_i)), computed as softplus(−y_i·A_i).
 */
export class logistic_loss extends Operation {
  constructor(scores: Node, labels: Node) {
    super(scores, labels);
  }
  protected forward(A: Matrix, y: Matrix): Matrix {
    checkBinary("logistic_loss", A, y, [-1, 1]);
    let total = 0;
    for (let i = 0; i < A.rows; i++) total += softplus(-y.data[i] * A.data[i]);
    return new Matrix(1, 1, [total / A.rows]);
  }
  /** ∂J_i/∂A_i = −y_i / (1 + exp(y_i·A_i)) = −y_i·σ(−y_i·A_i); the mean divides by N. */
  gradient(): Matrix[] {
    const [A, y] = this.inputs.map((n) => n.value);
    const scale = this.g.data[0] / A.rows;
    const gA = A.map((a, i) => -y.data[i] * stableSigmoid(-y.data[i] * a) * scale);
    return [gA, zerosLike(y)];
  }
}

/**
 * bce_with_logits(A, y) with labels y ∈ {0, 1}: binary cross-entropy of the
 * probability σ(A), mean of log(1 + e^A) − y·A (the {0,1}-coded twin of
 * logistic_loss: the same number for y = 1 ↔ +1 and y = 0 ↔ −1).
 */
export class bce_with_logits extends Operation {
  constructor(scores: Node, labels: Node) {
    super(scores, labels);
  }
  protected forward(A: Matrix, y: Matrix): Matrix {
    checkBinary("bce_with_logits", A, y, [0, 1]);
    let total = 0;
    for (let i = 0; i < A.rows; i++) total += softplus(A.data[i]) - y.data[i] * A.data[i];
    return new Matrix(1, 1, [total / A.rows]);
  }
  /** ∂/∂A_i = σ(A_i) − y_i, divided by N for the mean. */
  gradient(): Matrix[] {
    const [A, y] = this.inputs.map((n) => n.value);
    const scale = this.g.data[0] / A.rows;
    return [A.map((a, i) => (stableSigmoid(a) - y.data[i]) * scale), zerosLike(y)];
  }
}

/**
 * softmax_cross_entropy(Z, y): Z is N×C (one score per class), y is N×1 of
 * class indices 0..C−1. Per sample, −log softmax(z)_y = L − z_y with
 * L = log Σ_j exp(z_j), computed by the log-sum-exp trick
 * L = m + log Σ_j exp(z_j − m), m = max_j z_j, so exp never overflows.
 * Value: the mean over the N samples.
 */
export class softmax_cross_entropy extends Operation {
  /** L for each row, kept from the forward pass for the gradient (as the notes suggest). */
  declare private logSumExp: Float64Array;

  constructor(scores: Node, labels: Node) {
    super(scores, labels);
  }
  protected forward(Z: Matrix, y: Matrix): Matrix {
    const op = "softmax_cross_entropy";
    if (y.rows !== Z.rows || y.cols !== 1) {
      throw new ShapeError(`${op}: scores ${fmt(Z)} need labels N×1 with N = ${Z.rows}, got ${fmt(y)}`);
    }
    if (Z.rows === 0) throw new RangeError(`${op}: empty batch (0 samples)`);
    if (Z.cols === 0) throw new ShapeError(`${op}: scores ${fmt(Z)} have no class columns`);
    const C = Z.cols;
    this.logSumExp = new Float64Array(Z.rows);
    let total = 0;
    for (let i = 0; i < Z.rows; i++) {
      const label = y.data[i];
      if (!Number.isInteger(label) || label < 0 || label >= C) {
        throw new RangeError(`${op}: label ${label} at row ${i} is not a class index in 0..${C - 1}`);
      }
      const row = Z.data.subarray(i * C, (i + 1) * C);
      let m = -Infinity;
      for (let k = 0; k < C; k++) m = Math.max(m, row[k]);
      let s = 0;
      for (let k = 0; k < C; k++) s += Math.exp(row[k] - m);
      const L = m + Math.log(s);
      this.logSumExp[i] = L;
      total += L - row[label];
    }
    return new Matrix(1, 1, [total / Z.rows]);
  }
  /** ∂(L − z_y)/∂z_k = exp(z_k − L) − I[y = k]: softmax minus one-hot, over N for the mean. */
  gradient(): Matrix[] {
    const [Z, y] = this.inputs.map((n) => n.value);
    const scale = this.g.data[0] / Z.rows;
    const gZ = Z.map((z, i, k) => (Math.exp(z - this.logSumExp[i]) - (y.data[i] === k ? 1 : 0)) * scale);
    return [gZ, zerosLike(y)];
  }
}

/**
 * mse(A, Y): mean over the batch of the squared error Σ_k (A_ik − Y_ik)²,
 * i.e. the notes' regression graph mean(square(diff(A, Y))) in one node,
 * except that with k > 1 outputs the errors of a sample are summed, not
 * averaged. Y is a real-valued target of A's shape.
 */
export class mse extends Operation {
  constructor(predictions: Node, targets: Node) {
    super(predictions, targets);
  }
  protected forward(A: Matrix, Y: Matrix): Matrix {
    if (A.rows !== Y.rows || A.cols !== Y.cols) {
      throw new ShapeError(`mse: predictions ${fmt(A)} and targets ${fmt(Y)} must have the same shape`);
    }
    if (A.rows === 0) throw new RangeError(`mse: empty batch (0 samples)`);
    let total = 0;
    for (let k = 0; k < A.data.length; k++) total += (A.data[k] - Y.data[k]) ** 2;
    return new Matrix(1, 1, [total / A.rows]);
  }
  /** ∂/∂A = 2(A − Y)/N; targets are real, so they get the opposite gradient. */
  gradient(): Matrix[] {
    const [A, Y] = this.inputs.map((n) => n.value);
    const gA = M.scale(M.sub(A, Y), (2 * this.g.data[0]) / A.rows);
    return [gA, M.scale(gA, -1)];
  }
}
