// The Operation subclasses for arithmetic and activations. Each class holds
// its forward formula and, right below it, its local gradient: given
// G = ∂J/∂(this node), return ∂J/∂(each input).
//
// Names are lowercase, as in the notes (`mm(features, weights)`, `relu(a)`).
// Operations never modify their inputs' values.

import * as M from "../matrix";
import { Matrix, ShapeError, shapeOf } from "../matrix";
import { sigmoid as sigmoidOf } from "../activations";
import { Node, Operation } from "./node";

// ---------------------------------------------------------------- broadcasting

/**
 * Which side of a binary element-wise operation is broadcast: none (same
 * shape), or a 1×c row / 1×1 scalar on either side repeated to the other's
 * shape (a bias row added to every sample, a constant factor 7·x).
 */
function broadcastSide(op: string, a: Matrix, b: Matrix): "none" | "a" | "b" {
  if (a.rows === b.rows && a.cols === b.cols) return "none";
  const fitsInto = (small: Matrix, big: Matrix) => small.rows === 1 && (small.cols === big.cols || small.cols === 1);
  if (fitsInto(b, a)) return "b";
  if (fitsInto(a, b)) return "a";
  throw new ShapeError(
    `${op}: shapes ${shapeOf(a)} and ${shapeOf(b)} cannot be combined (need equal shapes, or one side a 1×c row or a 1×1 scalar)`,
  );
}

/**
 * The gradient of a broadcast input: the input was copied into every row (or
 * every entry), so its gradient is the SUM of the gradients of all the copies.
 */
function unbroadcast(g: Matrix, input: Matrix): Matrix {
  if (g.rows === input.rows && g.cols === input.cols) return g;
  if (input.rows === 1 && input.cols === g.cols) return M.sumRows(g); // bias row: sum over samples
  return new Matrix(1, 1, [M.sum(g)]); // scalar
}

// ---------------------------------------------------------------- linear algebra

/** A = mm(X, W) = X·W: X is b×p (samples × features), W is p×u (features × units). */
export class mm extends Operation {
  constructor(X: Node, W: Node) {
    super(X, W);
  }
  protected forward(X: Matrix, W: Matrix): Matrix {
    if (X.cols !== W.rows) {
      throw new ShapeError(`mm: ${shapeOf(X)} times ${shapeOf(W)} does not fit (X has ${X.cols} columns, W has ${W.rows} rows)`);
    }
    return M.matMul(X, W);
  }
  /** The map is linear: ∇X = G·Wᵀ and ∇W = Xᵀ·G. */
  gradient(): Matrix[] {
    const [X, W] = this.inputs.map((n) => n.value);
    return [M.matMul(this.g, M.transpose(W)), M.matMul(M.transpose(X), this.g)];
  }
}

/** add(A, B) = A + B; B (or A) may be a 1×c bias row or a 1×1 scalar, broadcast. */
export class add extends Operation {
  constructor(A: Node, B: Node) {
    super(A, B);
  }
  protected forward(A: Matrix, B: Matrix): Matrix {
    return broadcastSide("add", A, B) === "a" ? M.add(B, A) : M.add(A, B);
  }
  /** ∂(A+B)/∂A = ∂(A+B)/∂B = 1; a broadcast row's gradient sums over the rows. */
  gradient(): Matrix[] {
    return this.inputs.map((n) => unbroadcast(this.g, n.value));
  }
}

/** diff(A, B) = A − B (the residual of the notes' regression graph); broadcasting as in add. */
export class diff extends Operation {
  constructor(A: Node, B: Node) {
    super(A, B);
  }
  protected forward(A: Matrix, B: Matrix): Matrix {
    return broadcastSide("diff", A, B) === "a" ? M.zip("diff", B, A, (b, a) => a - b) : M.sub(A, B);
  }
  /** ∇A = G, ∇B = −G (summed if broadcast). */
  gradient(): Matrix[] {
    const [A, B] = this.inputs.map((n) => n.value);
    return [unbroadcast(this.g, A), unbroadcast(M.scale(this.g, -1), B)];
  }
}

/** mul(A, B) = A ⊙ B element-wise; either side may be a 1×c row or a 1×1 scalar. */
export class mul extends Operation {
  constructor(A: Node, B: Node) {
    super(A, B);
  }
  protected forward(A: Matrix, B: Matrix): Matrix {
    return broadcastSide("mul", A, B) === "a" ? M.mul(B, A) : M.mul(A, B);
  }
  /** Product rule: ∇A = G ⊙ B, ∇B = G ⊙ A (each summed back to its own shape). */
  gradient(): Matrix[] {
    const [A, B] = this.inputs.map((n) => n.value);
    // G has the full output shape, so a broadcast A or B fits on the right.
    return [unbroadcast(M.mul(this.g, B), A), unbroadcast(M.mul(this.g, A), B)];
  }
}

/** hstack(A, B) = [A | B]: B's columns after A's (e.g. the column of ones for intercepts). */
export class hstack extends Operation {
  constructor(A: Node, B: Node) {
    super(A, B);
  }
  protected forward(A: Matrix, B: Matrix): Matrix {
    if (A.rows !== B.rows) throw new ShapeError(`hstack: ${shapeOf(A)} and ${shapeOf(B)} have different numbers of rows`);
    return M.hstack(A, B);
  }
  /** Each input gets back its own columns of G. */
  gradient(): Matrix[] {
    const k = this.inputs[0].value.cols;
    return [this.g.sliceCols(0, k), this.g.sliceCols(k)];
  }
}

// ---------------------------------------------------------------- element-wise functions

/** square(A) = A ⊙ A. */
export class square extends Operation {
  constructor(A: Node) {
    super(A);
  }
  protected forward(A: Matrix): Matrix {
    return A.map((a) => a * a);
  }
  /** d(a²)/da = 2a. */
  gradient(): Matrix[] {
    return [M.zip("square", this.g, this.inputs[0].value, (g, a) => 2 * a * g)];
  }
}

/** exp(A), element-wise. */
export class exp extends Operation {
  constructor(A: Node) {
    super(A);
  }
  protected forward(A: Matrix): Matrix {
    return A.map(Math.exp);
  }
  /** d(eᵃ)/da = eᵃ, which is this node's own value. */
  gradient(): Matrix[] {
    return [M.mul(this.g, this.value)];
  }
}

/** log(A), natural logarithm, element-wise; every entry must be > 0. */
export class log extends Operation {
  constructor(A: Node) {
    super(A);
  }
  protected forward(A: Matrix): Matrix {
    return A.map((a, i, j) => {
      if (!(a > 0)) throw new RangeError(`log: entry (${i}, ${j}) is ${a}; the logarithm needs positive values`);
      return Math.log(a);
    });
  }
  /** d(log a)/da = 1/a. */
  gradient(): Matrix[] {
    return [M.div(this.g, this.inputs[0].value)];
  }
}

/** cos(A), element-wise. */
export class cos extends Operation {
  constructor(A: Node) {
    super(A);
  }
  protected forward(A: Matrix): Matrix {
    return A.map(Math.cos);
  }
  /** d(cos a)/da = −sin a. */
  gradient(): Matrix[] {
    return [M.zip("cos", this.g, this.inputs[0].value, (g, a) => -Math.sin(a) * g)];
  }
}

// ---------------------------------------------------------------- activations

/** identity(A) = A (the "no activation" of a last layer). */
export class identity extends Operation {
  constructor(A: Node) {
    super(A);
  }
  protected forward(A: Matrix): Matrix {
    return A;
  }
  gradient(): Matrix[] {
    return [this.g];
  }
}

/** relu(A) = max(A, 0) element-wise. */
export class relu extends Operation {
  constructor(A: Node) {
    super(A);
  }
  protected forward(A: Matrix): Matrix {
    return A.map((a) => (a > 0 ? a : 0));
  }
  /** Piecewise constant slope: G where A > 0, else 0 (we take 0 at the kink A = 0). */
  gradient(): Matrix[] {
    return [M.zip("relu", this.g, this.inputs[0].value, (g, a) => (a > 0 ? g : 0))];
  }
}

/** The scalar logistic function (activations.ts), under the name exercises know it by. */
export const stableSigmoid = sigmoidOf;

/** sigmoid(A) = 1/(1+e^(−A)) element-wise. */
export class sigmoid extends Operation {
  constructor(A: Node) {
    super(A);
  }
  protected forward(A: Matrix): Matrix {
    return A.map(stableSigmoid);
  }
  /** σ' = σ(1 − σ), computed from this node's own value. */
  gradient(): Matrix[] {
    return [M.zip("sigmoid", this.g, this.value, (g, s) => g * s * (1 - s))];
  }
}

/** tanh(A) element-wise. */
export class tanh extends Operation {
  constructor(A: Node) {
    super(A);
  }
  protected forward(A: Matrix): Matrix {
    return A.map(Math.tanh);
  }
  /** tanh' = 1 − tanh². */
  gradient(): Matrix[] {
    return [M.zip("tanh", this.g, this.value, (g, t) => g * (1 - t * t))];
  }
}

// ---------------------------------------------------------------- reductions

/** sum(A): the 1×1 total of every entry. */
export class sum extends Operation {
  constructor(A: Node) {
    super(A);
  }
  protected forward(A: Matrix): Matrix {
    return new Matrix(1, 1, [M.sum(A)]);
  }
  /** Every entry contributes with slope 1. */
  gradient(): Matrix[] {
    const A = this.inputs[0].value;
    return [Matrix.filled(A.rows, A.cols, this.g.data[0])];
  }
}

/** mean(A): the 1×1 average of every entry. */
export class mean extends Operation {
  constructor(A: Node) {
    super(A);
  }
  protected forward(A: Matrix): Matrix {
    if (A.size === 0) throw new RangeError(`mean: the input is ${shapeOf(A)} (empty), there is nothing to average`);
    return new Matrix(1, 1, [M.mean(A)]);
  }
  /** Every entry contributes with slope 1/(number of entries). */
  gradient(): Matrix[] {
    const A = this.inputs[0].value;
    return [Matrix.filled(A.rows, A.cols, this.g.data[0] / A.size)];
  }
}
