// Automatic differentiation on a computation graph, the design of the notes:
//
// - every node holds a `value` (a Matrix, filled by forward propagation as soon
//   as the node is created; see Operation for ops with fields of their own) and
//   a `grad` (the gradient of the final scalar with respect to this node, same
//   shape as `value`, filled by `backward()`);
// - an `InitialNode` wraps data or weights; an `Operation` is computed from
//   its input nodes, and each subclass (mm, relu, logistic_loss, …) knows only
//   its own forward formula and its own local gradient.
//
// `backward()` then runs the chain rule over the whole graph, so whoever
// assembles a network from these pieces never writes a gradient by hand.

import { Matrix, ShapeError, add as addMatrices, shapeOf } from "../matrix";

/** Anything accepted where a node value is expected. */
export type MatrixLike = Matrix | number[][] | number;

export function toMatrix(v: MatrixLike, what = "InitialNode"): Matrix {
  if (v instanceof Matrix) return v;
  if (typeof v === "number") return new Matrix(1, 1, [v]);
  if (Array.isArray(v)) return Matrix.fromRows(v);
  throw new TypeError(`${what}: expected a Matrix, number[][] or number, got ${typeof v}`);
}

/** A node of the computation graph: an InitialNode or an Operation. */
export abstract class Node {
  /** Result of forward propagation, set on construction. */
  abstract value: Matrix;
  /** ∂(final node)/∂(this node), set by `backward()`; null before. */
  grad: Matrix | null = null;
  /** The nodes this one is computed from (none for an InitialNode). */
  abstract readonly inputs: readonly Node[];

  /**
   * Back-propagation from this node: sets this.grad to `seed` (default 1,
   * allowed only when this node is a 1×1 scalar such as a loss) and fills
   * `grad` on every node it depends on. See `backpropagate`.
   */
  backward(seed?: MatrixLike): void {
    backpropagate(this, seed);
  }

  get shape(): [number, number] {
    return [this.value.rows, this.value.cols];
  }
}

/** A leaf of the graph: training data, labels or a weight matrix. */
export class InitialNode extends Node {
  readonly inputs: readonly Node[] = [];
  value: Matrix;

  constructor(value: MatrixLike) {
    super();
    this.value = toMatrix(value);
  }
}

/**
 * A node computed from other nodes. A subclass implements
 *   forward(...values)  → this node's value from the inputs' values, and
 *   gradient()          → one Matrix per input: ∂J/∂input, given this.grad = ∂J/∂this
 *                         (the chain rule for this one step only).
 * The constructor stores the inputs and runs forward() right away, so building
 * the graph IS the forward pass (and bad inputs throw at `new`).
 *
 * One exception, because JavaScript sets a subclass's own fields (`rate = 0.5`,
 * `mask: Matrix | null = null`) only after `super(...)` returns: a forward() that
 * uses this object's own state then would see none of it. So that early run is
 * watched (see `forwardBeforeFields`); if forward() reads a property the object
 * does not have yet, or writes one, the run is dropped and forward() runs on first
 * use of `value` instead, with every field in place.
 */
export abstract class Operation extends Node {
  readonly inputs: readonly Node[];
  /** forward()'s result; null until computed (an op with fields of its own computes it on first use). */
  #value: Matrix | null;

  constructor(...inputs: Node[]) {
    super();
    inputs.forEach((n, i) => {
      if (!(n instanceof Node)) {
        throw new TypeError(`${this.constructor.name}: input ${i} is not a graph node (wrap data in new InitialNode(…))`);
      }
    });
    this.inputs = inputs;
    this.#value = forwardBeforeFields(this, (self) => self.forward(...inputs.map((n) => n.value)));
  }

  /** The result of forward(), computed at `new` or, for an op with fields of its own, on first use. */
  get value(): Matrix {
    return (this.#value ??= this.forward(...this.inputs.map((n) => n.value)));
  }

  /** The operation's name, for error messages ("mm", "relu", …). */
  get opName(): string {
    return this.constructor.name;
  }

  protected abstract forward(...values: Matrix[]): Matrix;

  /** Local chain rule: ∂J/∂input for each input, using this.grad = ∂J/∂this. */
  abstract gradient(): Matrix[];

  /** this.grad, asserted to exist (gradient() is only called during backward). */
  protected get g(): Matrix {
    if (this.grad === null) throw new Error(`${this.opName}.gradient(): call backward() on the final node first`);
    return this.grad;
  }
}

/** Thrown (and caught) when the early forward() touches state a subclass has not set up yet. */
const NOT_READY = Symbol("fields not set yet");

/**
 * Runs `run(op)` inside Operation's constructor with `op` behind a guard:
 * reading a property that `op` does not have yet, asking whether it has one,
 * or writing one stops the run, and then null says "compute on first use".
 * Any other error (a shape that does not fit) is thrown from `new` as usual.
 */
function forwardBeforeFields(op: Operation, run: (self: Operation) => Matrix): Matrix | null {
  const stop = (): never => {
    throw NOT_READY;
  };
  const guarded = new Proxy(op, {
    get: (target, key, receiver) => (key in target ? Reflect.get(target, key, receiver) : stop()),
    has: (target, key) => (key in target ? true : stop()),
    set: stop,
    defineProperty: stop,
    deleteProperty: stop,
  });
  try {
    return run(guarded);
  } catch (e) {
    if (e === NOT_READY) return null;
    throw e;
  }
}

// ---------------------------------------------------------------- backward

/**
 * Every node `root` depends on, each listed AFTER all of its inputs (a
 * topological order). Depth-first search: a node is appended once all of its
 * inputs have been appended; `seen` makes shared nodes appear only once.
 */
export function topologicalOrder(root: Node): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const visit = (node: Node): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const input of node.inputs) visit(input);
    order.push(node);
  };
  visit(root);
  return order;
}

function seedGradient(root: Node, seed: MatrixLike | undefined): Matrix {
  if (seed === undefined) {
    if (root.value.rows !== 1 || root.value.cols !== 1) {
      throw new ShapeError(
        `backward: the final node is ${shapeOf(root.value)}; start from a 1×1 scalar (a loss), or pass a seed gradient of that shape`,
      );
    }
    return Matrix.ones(1, 1);
  }
  const s = toMatrix(seed, "backward seed");
  if (s.rows !== root.value.rows || s.cols !== root.value.cols) {
    throw new ShapeError(`backward: seed gradient is ${shapeOf(s)} but the final node is ${shapeOf(root.value)}`);
  }
  return s;
}

/**
 * Reverse-mode differentiation, correct for any graph.
 *
 * 1. Reset every grad to zero.  2. root.grad = seed (1 for a scalar loss).
 * 3. Visit nodes in REVERSE topological order: when a node is reached, every
 *    operation that uses it has already been visited and has ADDED its
 *    contribution, so node.grad is complete; pass it on to the node's inputs.
 * A node used by several operations (fan-out) thus receives the SUM of their
 * gradients — the multivariate chain rule.
 */
export function backpropagate(root: Node, seed?: MatrixLike): void {
  const start = seedGradient(root, seed);
  const order = topologicalOrder(root);
  for (const node of order) node.grad = Matrix.zeros(node.value.rows, node.value.cols);
  root.grad = start;
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k];
    if (!(node instanceof Operation)) continue;
    const grads = node.gradient();
    node.inputs.forEach((input, i) => {
      checkGradientShape(node, i, grads[i], input);
      input.grad = addMatrices(input.grad as Matrix, grads[i]);
    });
  }
}

/**
 * TEACHING ONLY — the classic homework scheme, WRONG on graphs with fan-out.
 *
 * "Set my inputs' grad from my gradient(), then recurse into each input."
 * Each assignment overwrites what another path wrote before, so a node used
 * by several operations keeps only the last path's contribution instead of
 * their sum. (Changing "=" to "+=" would fix the values but still walks a
 * shared sub-graph once per path to it, which can take exponential time;
 * `backpropagate` visits each node once.) It agrees with `backpropagate`
 * exactly when every node is used at most once, i.e. the graph is a tree —
 * e.g. a plain MLP's graph X → mm → relu → … → loss.
 */
export function backwardNaive(root: Node, seed?: MatrixLike): void {
  root.grad = seedGradient(root, seed);
  const recurse = (node: Node): void => {
    if (!(node instanceof Operation)) return;
    const grads = node.gradient();
    node.inputs.forEach((input, i) => {
      checkGradientShape(node, i, grads[i], input);
      input.grad = grads[i]; // assignment: the bug on fan-out
      recurse(input);
    });
  };
  recurse(root);
}

function checkGradientShape(op: Operation, i: number, g: Matrix | undefined, input: Node): void {
  if (g === undefined) throw new Error(`${op.opName}.gradient() returned no gradient for input ${i}`);
  if (g.rows !== input.value.rows || g.cols !== input.value.cols) {
    throw new ShapeError(`${op.opName}.gradient(): input ${i} is ${shapeOf(input.value)} but its gradient is ${shapeOf(g)}`);
  }
}
