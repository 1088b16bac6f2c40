// The tfjs twin of an MLP: the same layers, the same weights (copied into
// tf.Variables), the same losses written with tfjs operations — so tfjs's
// automatic differentiation gives an independent value of every gradient
// that lib/mlp.ts computes by hand with rules 0–3.
//
// Nothing here calls lib's activations or losses: each formula is re-stated
// with tfjs ops, otherwise the comparison would test the code against itself.
import type * as tfTypes from "@tensorflow/tfjs";
import { ActivationName } from "../activations";
import { checkLabels, LossName, losses, Reduction } from "../losses";
import { Matrix, ShapeError, assertFinite, shapeOf } from "../matrix";
import { Gradients, InterceptMode, MLP } from "../mlp";
import { tfjs } from "./backend";
import { fromTensor, toTensor } from "./convert";

type Tensor2D = tfTypes.Tensor2D;
type Scalar = tfTypes.Scalar;

const lossNames = Object.keys(losses) as LossName[];

/** The tensor form of labels y for `loss`: float32, except int32 class indices for softmax_cross_entropy. */
export function labelsTensor(y: Matrix, loss: LossName, outputs: number): Tensor2D {
  if (!lossNames.includes(loss)) throw new RangeError(`tfjs twin: unknown loss "${loss}"; choose one of ${lossNames.join(", ")}`);
  // The same label checks as the hand-coded loss (a check is not a formula: sharing it tests nothing against itself).
  checkLabels(loss, `tfjs twin (${loss})`, y, outputs);
  return toTensor(y, loss === "softmax_cross_entropy" ? "int32" : "float32");
}

export class TfjsTwin {
  readonly unitsPerLayer: number[];
  readonly intercept: InterceptMode;
  readonly hiddenActivation: ActivationName;
  /** weights[l−1] holds W(l), in the MLP's shape (with the intercept row in "ones_column" mode). */
  readonly weights: tfTypes.Variable<tfTypes.Rank.R2>[];
  /** biases[l−1] holds b(l), 1×u(l); empty unless the intercept mode is "bias". */
  readonly biases: tfTypes.Variable<tfTypes.Rank.R2>[];
  /** The tfjs backend the variables were created on. */
  readonly backend: string;

  constructor(mlp: MLP) {
    if (!(mlp instanceof MLP)) throw new TypeError("tfjsTwin: expected an MLP");
    const tf = tfjs();
    this.unitsPerLayer = [...mlp.unitsPerLayer];
    this.intercept = mlp.intercept;
    this.hiddenActivation = mlp.hiddenActivation;
    this.backend = tf.getBackend();
    this.weights = mlp.weights.map((W) => tf.variable(toTensor(W)));
    this.biases = mlp.biases.map((b) => tf.variable(toTensor(b)));
  }

  /** All variables in MLP.getParameters() order: weights, then biases. */
  get variables(): tfTypes.Variable<tfTypes.Rank.R2>[] {
    return [...this.weights, ...this.biases];
  }

  /** Copies the MLP's current parameters into the variables (shapes must match). */
  copyFrom(mlp: MLP): void {
    const params = mlp.getParameters();
    const vars = this.variables;
    if (params.length !== vars.length) throw new ShapeError(`TfjsTwin.copyFrom: ${params.length} parameters for ${vars.length} variables`);
    vars.forEach((v, i) => {
      const t = toTensor(params[i]);
      v.assign(t);
      t.dispose();
    });
  }

  /** The current variable values as matrices, in getParameters() order. */
  getParameters(): Matrix[] {
    return this.variables.map((v) => fromTensor(v));
  }

  // -------------------------------------------------------------- forward

  private activate(a: Tensor2D, l: number): Tensor2D {
    const tf = tfjs();
    if (l === this.weights.length) return a; // identity output layer
    switch (this.hiddenActivation) {
      case "relu": return tf.relu(a);
      case "sigmoid": return tf.sigmoid(a);
      case "tanh": return tf.tanh(a);
      case "identity": return a;
    }
  }

  /**
   * h(L) for inputs X, computed from the given parameter tensors (the
   * variables by default; tf.grads passes its own inputs instead).
   */
  scoresTensor(X: Tensor2D, weights: Tensor2D[] = this.weights, biases: Tensor2D[] = this.biases): Tensor2D {
    const tf = tfjs();
    const withOnes = (h: Tensor2D) => tf.concat([h, tf.ones([h.shape[0], 1])], 1) as Tensor2D;
    let h = X;
    for (let l = 1; l <= weights.length; l++) {
      if (this.intercept === "ones_column") h = withOnes(h);
      let a: Tensor2D = tf.matMul(h, weights[l - 1]);
      if (this.intercept === "bias") a = tf.add(a, biases[l - 1]) as Tensor2D;
      h = this.activate(a, l);
    }
    return h;
  }

  /**
   * J as a tfjs scalar. y must be labelsTensor(y, loss, …). Per-sample losses:
   *   square_loss            Σ_k (a_ik − y_ik)²
   *   logistic_loss          softplus(−y_i·a_i)
   *   bce_with_logits        tf.losses.sigmoidCrossEntropy
   *   softmax_cross_entropy  tf.losses.softmaxCrossEntropy against one-hot labels
   * summed, then divided by N for reduction "mean".
   */
  lossTensor(scores: Tensor2D, y: Tensor2D, loss: LossName, reduction: Reduction = "mean"): Scalar {
    const tf = tfjs();
    const n = scores.shape[0];
    let total: Scalar;
    switch (loss) {
      case "square_loss": total = tf.sum(tf.squaredDifference(scores, y)); break;
      case "logistic_loss": total = tf.sum(tf.softplus(tf.neg(tf.mul(y, scores)))); break;
      case "bce_with_logits": total = tf.losses.sigmoidCrossEntropy(y, scores, undefined, 0, tf.Reduction.SUM) as Scalar; break;
      case "softmax_cross_entropy": {
        const oneHot = tf.oneHot(tf.reshape(y, [n]) as tfTypes.Tensor1D, scores.shape[1]);
        total = tf.losses.softmaxCrossEntropy(oneHot, scores, undefined, 0, tf.Reduction.SUM) as Scalar;
        break;
      }
      default: throw new RangeError(`tfjs twin: unknown loss "${loss}"; choose one of ${lossNames.join(", ")}`);
    }
    if (reduction === "sum") return total;
    if (reduction === "mean") return tf.div(total, n);
    throw new RangeError(`tfjs twin: reduction must be "mean" or "sum", got "${reduction}"`);
  }

  // -------------------------------------------------------------- matrix API

  private inputs(X: Matrix, y: Matrix, loss: LossName): { Xt: Tensor2D; yt: Tensor2D } {
    const d = this.unitsPerLayer[0];
    if (X.cols !== d) throw new ShapeError(`tfjs twin: X is ${shapeOf(X)} but the network expects ${d} input columns`);
    if (X.rows === 0) throw new RangeError("tfjs twin: empty batch (X has 0 rows)");
    if (y.rows !== X.rows) throw new ShapeError(`tfjs twin: ${X.rows} samples but ${y.rows} labels`);
    assertFinite(X, "tfjs twin: input X");
    const outputs = this.unitsPerLayer[this.unitsPerLayer.length - 1];
    return { Xt: toTensor(X), yt: labelsTensor(y, loss, outputs) };
  }

  /** The network output h(L) for X, as a Matrix. */
  forward(X: Matrix): Matrix {
    const tf = tfjs();
    if (X.cols !== this.unitsPerLayer[0]) throw new ShapeError(`tfjs twin: X is ${shapeOf(X)} but the network expects ${this.unitsPerLayer[0]} input columns`);
    return readAndDispose(tf.tidy(() => this.scoresTensor(toTensor(X))), fromTensor);
  }

  /** J for a batch. */
  loss(X: Matrix, y: Matrix, loss: LossName, reduction: Reduction = "mean"): number {
    const tf = tfjs();
    const J = tf.tidy(() => {
      const { Xt, yt } = this.inputs(X, y, loss);
      return this.lossTensor(this.scoresTensor(Xt), yt, loss, reduction);
    });
    return readAndDispose(J, (t) => t.dataSync()[0]);
  }

  /** J and ∇J by `tf.variableGrads` (gradients of the variables), in MLP's Gradients layout. */
  gradients(X: Matrix, y: Matrix, loss: LossName, reduction: Reduction = "mean"): { loss: number; gradients: Gradients } {
    const tf = tfjs();
    const { Xt, yt } = this.inputs(X, y, loss);
    try {
      const { value, grads } = tf.variableGrads(() => this.lossTensor(this.scoresTensor(Xt), yt, loss, reduction), this.variables);
      const toMatrix = (v: tfTypes.Variable) => fromTensor(grads[v.name]);
      const result = {
        loss: value.dataSync()[0],
        gradients: { weights: this.weights.map(toMatrix), biases: this.biases.map(toMatrix) },
      };
      value.dispose();
      Object.values(grads).forEach((g) => g.dispose());
      return result;
    } finally {
      Xt.dispose();
      yt.dispose();
    }
  }

  /**
   * ∇J by `tf.grads`: the loss written as a function of the parameter
   * tensors themselves, differentiated with respect to all of its inputs.
   */
  gradientsByGrads(X: Matrix, y: Matrix, loss: LossName, reduction: Reduction = "mean"): Gradients {
    const tf = tfjs();
    const L = this.weights.length;
    const grads = tf.tidy(() => {
      const { Xt, yt } = this.inputs(X, y, loss);
      const J = (...params: tfTypes.Tensor[]) =>
        this.lossTensor(this.scoresTensor(Xt, params.slice(0, L) as Tensor2D[], params.slice(L) as Tensor2D[]), yt, loss, reduction);
      return tf.grads(J)(this.variables);
    });
    const ms = grads.map((g) => readAndDispose(g, fromTensor));
    return { weights: ms.slice(0, L), biases: ms.slice(L) };
  }

  /** Frees the variables (tfjs memory is not garbage-collected). */
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}

/** Reads a tensor into JavaScript values, then frees it. */
function readAndDispose<T extends tfTypes.Tensor, R>(t: T, read: (t: T) => R): R {
  try {
    return read(t);
  } finally {
    t.dispose();
  }
}

/** The same network as `mlp`, with a copy of its current weights, as tfjs variables on the active backend. */
export function tfjsTwin(mlp: MLP): TfjsTwin {
  return new TfjsTwin(mlp);
}
