// A multi-layer perceptron with backpropagation written out by hand.
//
// Notation (the lecture notes'): layers l = 0, 1, …, L with u(l) units each,
// unitsPerLayer = [u(0) = d, u(1), …, u(L)]. One sample per row, so for a
// batch of N samples
//   h(0) = X                      N×u(0)   the input
//   a(l) = h(l−1)·W(l) + b(l)     N×u(l)   pre-activation (W(l) is u(l−1)×u(l))
//   h(l) = σ(a(l))                N×u(l)   hidden units; σ is the identity at
//                                          the last layer, so h(L) = a(L) are
//                                          real-valued scores for the loss.
// With no hidden layer (unitsPerLayer = [d, k]) this is a linear model.
//
// The backward pass applies four rules, from the loss back to the input:
//   rule 0  ∇h(L) J = ∂J/∂h(L)                      depends on the loss only
//   rule 1  ∇W(l) J = h(l−1)ᵀ · ∇a(l) J              (and ∇b(l) J = Σ_rows ∇a(l) J)
//   rule 2  ∇a(l) J = ∇h(l) J ⊙ σ'(a(l))
//   rule 3  ∇h(l) J = ∇a(l+1) J · W(l+1)ᵀ            for l = L−1, …, 1
//
// Intercepts, the two methods of the notes:
//   "bias"         a separate 1×u(l) row b(l), broadcast over the N rows;
//   "ones_column"  a column of ones appended to every layer input h(l−1), so
//                  W(l) has u(l−1)+1 rows and its last row is the intercept
//                  (the ones are constants: their gradient is dropped in rule 3);
//   "none"         no intercept at all.
// Both intercept methods have the same number of parameters and, from the same
// seed, compute the same function.

import { Activation, ActivationName, activations, getActivation } from "./activations";
import { InitName, initNames, initWeights } from "./init";
import { Loss, LossName, Reduction, getLoss } from "./losses";
import { Matrix, ShapeError, add, assertFinite, hstack, matMul, matMulTransposeA, matMulTransposeB, mul, sumRows, vstack, shapeOf } from "./matrix";
import { Rng } from "./random";

export type InterceptMode = "bias" | "ones_column" | "none";

const interceptModes: readonly InterceptMode[] = ["bias", "ones_column", "none"];

export interface MLPOptions {
  /** [d, u(1), …, u(L)]: input size, hidden layer sizes, output size. */
  unitsPerLayer: number[];
  /** σ for every hidden layer (the last layer is always the identity). Default "relu". */
  hiddenActivation?: ActivationName;
  /** How intercepts are represented. Default "bias". */
  intercept?: InterceptMode;
  /** How weights are drawn (intercepts start at 0). Default "xavier". */
  init?: InitName;
  /** Seed of the Rng that draws the initial weights. Default 0. */
  seed?: number;
  /**
   * Explicit weights instead of drawn ones: weights[l−1] is W(l) as nested rows,
   * u(l−1)×u(l). In "ones_column" mode it may also be (u(l−1)+1)×u(l), its last
   * row being the intercept (then leave `biases` out).
   */
  weights?: number[][][];
  /** Explicit intercepts: biases[l−1] is b(l), u(l) numbers (default zeros). Not for intercept "none". */
  biases?: number[][];
}

/** Everything the forward pass computed, kept for the backward pass. */
export interface ForwardPass {
  /**
   * a[l] = a(l) for l = 1..L. The input has no pre-activation; a[0] holds the
   * input too, only so that a[l] and h[l] use the notes' indices.
   */
  a: Matrix[];
  /**
   * h[l] = h(l) for l = 0..L, each as fed to the next layer: with
   * intercept "ones_column", h[0..L−1] carry the appended column of ones.
   * h[L] is the network output.
   */
  h: Matrix[];
}

/** ∇J with respect to each parameter, in the shapes of MLP.weights and MLP.biases. */
export interface Gradients {
  weights: Matrix[];
  biases: Matrix[];
}

// ---------------------------------------------------------------- the four rules

/** Rule 0: ∇h(L) J, the gradient of the loss with respect to the network output. */
export function rule0(loss: LossName | Loss, output: Matrix, y: Matrix, reduction: Reduction = "mean"): Matrix {
  return getLoss(loss).gradient(output, y, reduction);
}

/** Rule 1: ∇W(l) J = h(l−1)ᵀ · ∇a(l) J. */
export function rule1(hPrev: Matrix, gradA: Matrix): Matrix {
  return matMulTransposeA(hPrev, gradA); // h(l−1)ᵀ · ∇a(l) J, without building h(l−1)ᵀ
}

/** Rule 2: ∇a(l) J = ∇h(l) J ⊙ σ'(a(l)). */
export function rule2(gradH: Matrix, a: Matrix, activation: Activation): Matrix {
  return mul(gradH, activation.derivative(a));
}

/** Rule 3: ∇h(l) J = ∇a(l+1) J · W(l+1)ᵀ. */
export function rule3(gradANext: Matrix, WNext: Matrix): Matrix {
  return matMulTransposeB(gradANext, WNext); // ∇a(l+1) J · W(l+1)ᵀ, without building W(l+1)ᵀ
}

// ---------------------------------------------------------------- sizes

function checkUnits(unitsPerLayer: unknown): number[] {
  if (!Array.isArray(unitsPerLayer) || unitsPerLayer.length < 2) {
    throw new RangeError(
      `unitsPerLayer must list at least two layer sizes [input, …, output], got ${JSON.stringify(unitsPerLayer)}`,
    );
  }
  unitsPerLayer.forEach((u, l) => {
    if (!Number.isInteger(u) || u <= 0) {
      throw new RangeError(`layer ${l} must have a positive integer number of units, got ${u} (unitsPerLayer = [${unitsPerLayer.join(", ")}])`);
    }
  });
  return [...unitsPerLayer];
}

/**
 * Number of parameters Σ_l u(l−1)·u(l), plus Σ_l u(l) intercepts when
 * `intercept` is true (together Σ_l (u(l−1) + 1)·u(l)).
 */
export function countParameters(unitsPerLayer: number[], intercept = true): number {
  const u = checkUnits(unitsPerLayer);
  let n = 0;
  for (let l = 1; l < u.length; l++) n += (u[l - 1] + (intercept ? 1 : 0)) * u[l];
  return n;
}

/** The gradients as one list, in the order of MLP.getParameters() (weights, then biases). */
export function gradientsToList(g: Gradients): Matrix[] {
  return [...g.weights, ...g.biases];
}

/** [m | 1]: m with a column of ones appended. */
function withOnesColumn(m: Matrix): Matrix {
  return hstack(m, Matrix.ones(m.rows, 1));
}

// ---------------------------------------------------------------- the network

export class MLP {
  readonly unitsPerLayer: number[];
  readonly intercept: InterceptMode;
  readonly hiddenActivation: ActivationName;
  readonly init: InitName;
  readonly seed: number;
  /** weights[l−1] is W(l): u(l−1)×u(l), or (u(l−1)+1)×u(l) with intercept "ones_column". */
  weights: Matrix[];
  /** biases[l−1] is b(l), a 1×u(l) row; empty unless intercept is "bias". */
  biases: Matrix[];

  private readonly activation: Activation;

  constructor(opts: MLPOptions) {
    if (opts === null || typeof opts !== "object") throw new TypeError("MLP: options { unitsPerLayer, … } are required");
    this.unitsPerLayer = checkUnits(opts.unitsPerLayer);
    this.hiddenActivation = opts.hiddenActivation ?? "relu";
    this.activation = getActivation(this.hiddenActivation);
    this.intercept = opts.intercept ?? "bias";
    if (!interceptModes.includes(this.intercept)) {
      throw new RangeError(`MLP: intercept must be one of ${interceptModes.join(", ")}, got "${this.intercept}"`);
    }
    this.init = opts.init ?? "xavier";
    if (!initNames.includes(this.init)) {
      throw new RangeError(`MLP: unknown initialisation "${this.init}"; choose one of ${initNames.join(", ")}`);
    }
    this.seed = opts.seed ?? 0;

    const u = this.unitsPerLayer;
    const L = u.length - 1;
    const rng = new Rng(this.seed);
    const givenBiases = this.checkGivenBiases(opts.biases);
    this.weights = [];
    this.biases = [];
    for (let l = 1; l <= L; l++) {
      const b = givenBiases ? Matrix.row(givenBiases[l - 1]) : Matrix.zeros(1, u[l]);
      let W = opts.weights ? this.givenWeight(opts.weights, l, givenBiases !== null) : initWeights(this.init, u[l - 1], u[l], rng);
      if (this.intercept === "ones_column" && W.rows === u[l - 1]) W = vstack(W, b); // intercept as last row
      this.weights.push(W);
      if (this.intercept === "bias") this.biases.push(b);
    }
  }

  /** Number of weight layers L (hidden layers + 1). */
  get depth(): number {
    return this.weights.length;
  }

  /** σ of layer l: the hidden activation, or the identity at the output layer. */
  layerActivation(l: number): Activation {
    return l === this.depth ? activations.identity : this.activation;
  }

  // -------------------------------------------------------------- forward

  /** Forward propagation: computes and keeps every a(l) and h(l), from the input to the output. */
  forward(X: Matrix): ForwardPass {
    this.checkInput(X);
    const L = this.depth;
    const h0 = this.intercept === "ones_column" ? withOnesColumn(X) : X;
    const a: Matrix[] = [h0];
    const h: Matrix[] = [h0];
    for (let l = 1; l <= L; l++) {
      let al = matMul(h[l - 1], this.weights[l - 1]);
      if (this.intercept === "bias") al = add(al, this.biases[l - 1]);
      let hl = this.layerActivation(l).forward(al);
      if (this.intercept === "ones_column" && l < L) hl = withOnesColumn(hl);
      a.push(al);
      h.push(hl);
    }
    return { a, h };
  }

  // -------------------------------------------------------------- backward

  /**
   * Back propagation: from ∇h(L) J (rule 0's result) to the gradient of every
   * weight and intercept, one layer at a time from the last to the first.
   */
  backward(pass: ForwardPass, gradOutput: Matrix): Gradients {
    const L = this.depth;
    const out = pass.h[L];
    if (gradOutput.rows !== out.rows || gradOutput.cols !== out.cols) {
      throw new ShapeError(`MLP.backward: gradOutput is ${shapeOf(gradOutput)} but the output is ${shapeOf(out)}`);
    }
    const gradWeights: Matrix[] = new Array(L);
    const gradBiases: Matrix[] = [];
    let gradH = gradOutput; // ∇h(L) J
    for (let l = L; l >= 1; l--) {
      const gradA = rule2(gradH, pass.a[l], this.layerActivation(l));
      gradWeights[l - 1] = rule1(pass.h[l - 1], gradA);
      // An intercept is added to every row, so its gradient sums over the rows.
      if (this.intercept === "bias") gradBiases[l - 1] = sumRows(gradA);
      if (l > 1) {
        gradH = rule3(gradA, this.weights[l - 1]);
        // The last column is the gradient w.r.t. the appended ones: constants, so it stops here.
        if (this.intercept === "ones_column") gradH = gradH.sliceCols(0, gradH.cols - 1);
      }
    }
    return { weights: gradWeights, biases: gradBiases };
  }

  /** One forward and one backward pass: J and ∇J for a batch X with labels y. */
  lossAndGradients(
    X: Matrix,
    y: Matrix,
    loss: LossName | Loss,
    reduction: Reduction = "mean",
  ): { loss: number; gradients: Gradients } {
    const lossFn = getLoss(loss);
    if (X.rows === 0) throw new RangeError("MLP.lossAndGradients: empty batch (X has 0 rows)");
    const pass = this.forward(X);
    const output = pass.h[this.depth];
    const value = lossFn.value(output, y, reduction);
    const gradients = this.backward(pass, rule0(lossFn, output, y, reduction));
    return { loss: value, gradients };
  }

  // -------------------------------------------------------------- predictions

  /** The network output h(L): real-valued scores, N×u(L). */
  decisionFunction(X: Matrix): Matrix {
    return this.forward(X).h[this.depth];
  }

  /**
   * Predictions in the label coding of `loss` (e.g. −1/1 for "logistic_loss", class
   * indices for "softmax_cross_entropy"). Without a loss: class indices (argmax) when
   * the network has several outputs, the raw values (regression) when it has one.
   */
  predict(X: Matrix, loss?: LossName | Loss): Matrix {
    const scores = this.decisionFunction(X);
    const lossFn = getLoss(loss ?? (scores.cols > 1 ? "softmax_cross_entropy" : "square_loss"));
    return lossFn.predict(scores);
  }

  // -------------------------------------------------------------- parameters

  /** Number of learned numbers (weights and intercepts): the function countParameters applied to this network. */
  countParameters(): number {
    return countParameters(this.unitsPerLayer, this.intercept !== "none");
  }

  /** The parameter matrices themselves (not copies): weights W(1)…W(L), then biases b(1)…b(L). */
  getParameters(): Matrix[] {
    return [...this.weights, ...this.biases];
  }

  /** Copies values into the parameters, in getParameters() order; shapes must match. */
  setParameters(ms: Matrix[]): void {
    const mine = this.getParameters();
    if (ms.length !== mine.length) {
      throw new ShapeError(`MLP.setParameters: expected ${mine.length} matrices (weights then biases), got ${ms.length}`);
    }
    mine.forEach((p, i) => {
      if (ms[i].rows !== p.rows || ms[i].cols !== p.cols) {
        throw new ShapeError(`MLP.setParameters: parameter ${i} is ${shapeOf(p)}, got ${shapeOf(ms[i])}`);
      }
      assertFinite(ms[i], `MLP.setParameters: parameter ${i}`);
    });
    mine.forEach((p, i) => p.data.set(ms[i].data));
  }

  /** An independent copy: same options, same current weights. */
  clone(): MLP {
    const copy = new MLP({
      unitsPerLayer: this.unitsPerLayer,
      hiddenActivation: this.hiddenActivation,
      intercept: this.intercept,
      init: this.init,
      seed: this.seed,
    });
    copy.setParameters(this.getParameters());
    return copy;
  }

  // -------------------------------------------------------------- checks

  private checkInput(X: Matrix): void {
    if (!(X instanceof Matrix)) throw new TypeError("MLP: the input X must be a Matrix (one sample per row)");
    const d = this.unitsPerLayer[0];
    if (X.cols !== d) {
      throw new ShapeError(`MLP: X is ${shapeOf(X)} but the network expects ${d} input columns (unitsPerLayer[0] = ${d})`);
    }
    assertFinite(X, "MLP input X");
  }

  private checkGivenBiases(biases: number[][] | undefined): number[][] | null {
    if (biases === undefined) return null;
    const u = this.unitsPerLayer;
    if (this.intercept === "none") throw new RangeError('MLP: biases were given but intercept is "none"');
    if (!Array.isArray(biases) || biases.length !== u.length - 1) {
      throw new ShapeError(`MLP: biases must list ${u.length - 1} rows (one per layer), got ${Array.isArray(biases) ? biases.length : typeof biases}`);
    }
    biases.forEach((b, i) => {
      if (!Array.isArray(b) || b.length !== u[i + 1]) {
        throw new ShapeError(`MLP: biases[${i}] must have ${u[i + 1]} values (u(${i + 1})), got ${Array.isArray(b) ? b.length : typeof b}`);
      }
      assertFinite(Matrix.row(b), `MLP: biases[${i}]`);
    });
    return biases;
  }

  private givenWeight(weights: number[][][], l: number, biasesGiven: boolean): Matrix {
    const u = this.unitsPerLayer;
    if (!Array.isArray(weights) || weights.length !== u.length - 1) {
      throw new ShapeError(`MLP: weights must list ${u.length - 1} matrices (one per layer), got ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    const W = Matrix.fromRows(weights[l - 1]);
    const plain = W.rows === u[l - 1] && W.cols === u[l];
    const withInterceptRow = this.intercept === "ones_column" && !biasesGiven && W.rows === u[l - 1] + 1 && W.cols === u[l];
    if (!plain && !withInterceptRow) {
      const extra = this.intercept === "ones_column" ? ` (or ${u[l - 1] + 1}×${u[l]} with the intercept as last row)` : "";
      throw new ShapeError(`MLP: weights[${l - 1}] is ${shapeOf(W)} but W(${l}) must be ${u[l - 1]}×${u[l]}${extra}`);
    }
    assertFinite(W, `MLP: weights[${l - 1}]`);
    return W;
  }
}
