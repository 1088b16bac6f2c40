// AutoMLP: the same multi-layer perceptron as `MLP`, but with no gradient
// written by hand. Every forward pass builds a computation graph from the
// Operation classes (mm, add, relu, …, a loss node), and `loss.backward()`
// fills the gradients. This is the "separation of concerns" of the notes: the
// network's author only composes operations.
//
// Layout is MLP's: weights[l−1] holds W(l) (u(l−1)×u(l), or (u(l−1)+1)×u(l)
// with intercept "ones_column"), biases[l−1] holds b(l) (1×u(l), intercept
// "bias" only), so gradients can be compared entry by entry with MLP's.

import { ActivationName } from "../activations";
import { batchIndices } from "../data/loader";
import { LossName, getLoss } from "../losses";
import { Matrix, ShapeError, assertFinite, scale, sub, shapeOf } from "../matrix";
import { Gradients, InterceptMode, MLP, MLPOptions } from "../mlp";
import { Rng } from "../random";
import { InitialNode, Node } from "./node";
import { add, hstack, identity, mm, relu, sigmoid, tanh } from "./ops";
import { bce_with_logits, logistic_loss, softmax_cross_entropy, square_loss } from "./losses";

export interface AutoMLPOptions extends MLPOptions {
  /** Default: "logistic_loss" (labels ±1) with one output unit, "softmax_cross_entropy" with several. */
  loss?: LossName;
  /** Step size α of gradient descent, > 0. Default 0.1. */
  learningRate?: number;
  /** Samples per gradient step (the last batch of an epoch may be smaller). Default 32. */
  batchSize?: number;
  /** Passes over the training set in fit(). Default 100. */
  maxEpochs?: number;
}

/** The hidden activation as a graph operation. */
const activationOps: Record<ActivationName, (a: Node) => Node> = {
  identity: (a) => new identity(a),
  relu: (a) => new relu(a),
  sigmoid: (a) => new sigmoid(a),
  tanh: (a) => new tanh(a),
};

/** The loss as the graph's last operation, of the same name; each returns the 1×1 mean over the batch. */
const lossOps: Record<LossName, (scores: Node, labels: Node) => Node> = {
  square_loss: (s, y) => new square_loss(s, y),
  logistic_loss: (s, y) => new logistic_loss(s, y),
  bce_with_logits: (s, y) => new bce_with_logits(s, y),
  softmax_cross_entropy: (s, y) => new softmax_cross_entropy(s, y),
};

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`AutoMLP: ${what} must be a positive integer, got ${value}`);
  return value;
}

export class AutoMLP {
  readonly unitsPerLayer: number[];
  readonly hiddenActivation: ActivationName;
  readonly intercept: InterceptMode;
  readonly loss: LossName;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly maxEpochs: number;
  readonly seed: number;
  /** weights[l−1] wraps W(l) in an InitialNode, so graphs can use it and backward() fills its grad. */
  readonly weights: InitialNode[];
  /** biases[l−1] wraps b(l) (intercept "bias" only, else empty). */
  readonly biases: InitialNode[];
  /** Training-set loss after each epoch of fit(). */
  lossHistory: number[] = [];
  /** Draws the order of the samples in each epoch. */
  private readonly rng: Rng;

  /**
   * Options as for MLP, plus the training settings. The initial weights are
   * drawn exactly as `new MLP(opts)` draws them (same seed → same numbers).
   */
  constructor(opts: AutoMLPOptions) {
    const start = new MLP(opts); // validates the architecture and draws W(l), b(l)
    this.unitsPerLayer = start.unitsPerLayer;
    this.hiddenActivation = start.hiddenActivation;
    this.intercept = start.intercept;
    this.seed = start.seed;
    const outputs = this.unitsPerLayer[this.unitsPerLayer.length - 1];
    this.loss = getLoss(opts.loss ?? (outputs === 1 ? "logistic_loss" : "softmax_cross_entropy")).name;
    this.learningRate = opts.learningRate ?? 0.1;
    if (!(this.learningRate > 0) || !Number.isFinite(this.learningRate)) {
      throw new RangeError(`AutoMLP: learningRate must be a finite number > 0, got ${this.learningRate}`);
    }
    this.batchSize = positiveInteger(opts.batchSize ?? 32, "batchSize");
    this.maxEpochs = positiveInteger(opts.maxEpochs ?? 100, "maxEpochs");
    this.weights = start.weights.map((W) => new InitialNode(W));
    this.biases = start.biases.map((b) => new InitialNode(b));
    this.rng = new Rng(this.seed);
  }

  /** An AutoMLP with the architecture and a COPY of the current weights of a hand-coded MLP. */
  static fromMLP(
    mlp: MLP,
    opts: Omit<AutoMLPOptions, "unitsPerLayer" | "hiddenActivation" | "intercept" | "weights" | "biases"> = {},
  ): AutoMLP {
    const auto = new AutoMLP({
      ...opts,
      unitsPerLayer: mlp.unitsPerLayer,
      hiddenActivation: mlp.hiddenActivation,
      intercept: mlp.intercept,
      seed: opts.seed ?? mlp.seed,
      init: "zeros", // overwritten just below; avoids drawing numbers for nothing
    });
    mlp.weights.forEach((W, i) => (auto.weights[i].value = W.clone()));
    mlp.biases.forEach((b, i) => (auto.biases[i].value = b.clone()));
    return auto;
  }

  /** Number of weight layers L. */
  get depth(): number {
    return this.weights.length;
  }

  /** Current parameter values: W(1)…W(L), then b(1)…b(L) (MLP.getParameters order). */
  getParameters(): Matrix[] {
    return [...this.weights, ...this.biases].map((n) => n.value);
  }

  // -------------------------------------------------------------- the graph

  /**
   * Builds the forward graph for a batch X and returns its output node h(L)
   * (real-valued scores, N×u(L)). Layer by layer:
   *   a(l) = mm(h(l−1), W(l))  [+ add(·, b(l))]      h(l) = σ(a(l)), identity at l = L
   * With "ones_column", a constant column of ones is hstack-ed to h(l−1) first.
   */
  outputNode(X: Matrix): Node {
    this.checkInput(X);
    let h: Node = new InitialNode(X);
    for (let l = 1; l <= this.depth; l++) {
      if (this.intercept === "ones_column") h = new hstack(h, new InitialNode(Matrix.ones(X.rows, 1)));
      let a: Node = new mm(h, this.weights[l - 1]);
      if (this.intercept === "bias") a = new add(a, this.biases[l - 1]);
      h = l < this.depth ? activationOps[this.hiddenActivation](a) : a;
    }
    return h;
  }

  /** The graph for a labelled batch, ending in the 1×1 mean loss node. */
  lossNode(X: Matrix, y: Matrix): Node {
    if (!(y instanceof Matrix)) throw new TypeError("AutoMLP: labels y must be a Matrix (one row per sample)");
    if (y.rows !== X.rows) throw new ShapeError(`AutoMLP: X has ${X.rows} rows but y has ${y.rows}`);
    assertFinite(y, "AutoMLP labels y");
    return lossOps[this.loss](this.outputNode(X), new InitialNode(y));
  }

  // -------------------------------------------------------------- learning

  /**
   * The mean loss on (X, y) and its gradient with respect to every weight and
   * intercept, in MLP's Gradients layout — computed by backward() alone.
   */
  lossAndGradients(X: Matrix, y: Matrix): { loss: number; gradients: Gradients } {
    const loss = this.lossNode(X, y);
    loss.backward();
    const gradOf = (n: InitialNode) => n.grad as Matrix;
    return { loss: loss.value.data[0], gradients: { weights: this.weights.map(gradOf), biases: this.biases.map(gradOf) } };
  }

  /** One gradient-descent step on the batch (X, y): θ ← θ − α·∇θ. Returns the loss before the step. */
  take_step(X: Matrix, y: Matrix): number {
    const { loss, gradients } = this.lossAndGradients(X, y);
    this.weights.forEach((W, i) => (W.value = sub(W.value, scale(gradients.weights[i], this.learningRate))));
    this.biases.forEach((b, i) => (b.value = sub(b.value, scale(gradients.biases[i], this.learningRate))));
    return loss;
  }

  /**
   * Minibatch stochastic gradient descent: maxEpochs epochs; in each, the
   * samples are shuffled (seeded) and cut into batches of batchSize, one
   * take_step per batch, so every sample is used once per epoch. After each
   * epoch the loss on the whole (X, y) is appended to lossHistory.
   */
  fit(X: Matrix, y: Matrix): this {
    this.lossNode(X, y); // checks X, labels and shapes once, before any step is taken
    for (let epoch = 0; epoch < this.maxEpochs; epoch++) {
      for (const batch of batchIndices(X.rows, this.batchSize, { rng: this.rng })) {
        this.take_step(X.selectRows(batch), y.selectRows(batch));
      }
      this.lossHistory.push(this.lossNode(X, y).value.data[0]);
    }
    return this;
  }

  // -------------------------------------------------------------- predictions

  /** The network output h(L): real-valued scores, N×u(L). */
  decisionFunction(X: Matrix): Matrix {
    return this.outputNode(X).value;
  }

  /** Predictions in the loss's label coding: ±1 (logistic_loss), 0/1 (bce_with_logits), class index (softmax_cross_entropy), values (square_loss). */
  predict(X: Matrix): Matrix {
    return getLoss(this.loss).predict(this.decisionFunction(X));
  }

  private checkInput(X: Matrix): void {
    if (!(X instanceof Matrix)) throw new TypeError("AutoMLP: the input X must be a Matrix (one sample per row)");
    const d = this.unitsPerLayer[0];
    if (X.cols !== d) {
      throw new ShapeError(`AutoMLP: X is ${shapeOf(X)} but the network expects ${d} input columns (unitsPerLayer[0] = ${d})`);
    }
    if (X.rows === 0) throw new RangeError("AutoMLP: empty batch (X has 0 rows)");
    assertFinite(X, "AutoMLP input X");
  }
}
