import { describe, expect, it } from "vitest";
import {
  InitialNode,
  Matrix,
  Operation,
  Rng,
  ShapeError,
  ag,
  mul as mulMatrices,
  numericalGradient,
  relativeError,
  sum as sumMatrix,
} from "nnlab";

type Node = ag.Node;

const randn = (rng: Rng, r: number, c: number, sd = 1) => Matrix.fromFunction(r, c, () => rng.normal(0, sd));
const uniform = (rng: Rng, r: number, c: number, lo: number, hi: number) =>
  Matrix.fromFunction(r, c, () => rng.uniform(lo, hi));
/** Entries of random sign with |a| ≥ 0.1: relu's slope is then the same on both sides of a finite-difference step. */
const awayFromZero = (rng: Rng, r: number, c: number) =>
  Matrix.fromFunction(r, c, () => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.1, 2));
const labels = (rng: Rng, n: number, values: number[]) => Matrix.fromFunction(n, 1, () => values[rng.int(values.length)]);

const TOL = 1e-6;

/**
 * Checks one operation against central finite differences. The graph is
 * out = build(inputs); a fixed random G of out's shape turns it into the
 * scalar J = Σ G ⊙ out, whose gradient backward(G) computes. `wrt` lists the
 * inputs to check (labels of a loss are constants and are left out).
 */
function checkAgainstFiniteDifferences(
  build: (nodes: Node[]) => Node,
  values: Matrix[],
  wrt: number[],
  rng: Rng,
): number {
  const nodes = values.map((v) => new InitialNode(v));
  const out = build(nodes);
  const G = randn(rng, out.value.rows, out.value.cols);
  out.backward(G);
  // numericalGradient perturbs the entries of `values` in place; InitialNode wraps
  // the same Matrix objects, so rebuilding the graph sees each perturbation.
  const J = () => sumMatrix(mulMatrices(build(values.map((v) => new InitialNode(v))).value, G));
  const numeric = numericalGradient(J, wrt.map((i) => values[i]), 1e-6);
  let worst = 0;
  wrt.forEach((i, k) => {
    const analytic = nodes[i].grad as Matrix;
    expect(analytic.shape).toEqual(values[i].shape);
    worst = Math.max(worst, relativeError(analytic, numeric[k]));
  });
  return worst;
}

interface OpCase {
  name: string;
  build: (n: Node[]) => Node;
  /** Random inputs for one trial with batch size N. */
  inputs: (rng: Rng, N: number) => Matrix[];
  wrt: number[];
}

const dims = (rng: Rng) => 1 + rng.int(4);

/** add/diff/mul with equal shapes and with a row or a scalar broadcast on either side. */
function broadcastCases(name: string, make: (a: Node, b: Node) => Node): OpCase[] {
  const build = (n: Node[]) => make(n[0], n[1]);
  const variants: [string, (N: number, c: number) => [[number, number], [number, number]]][] = [
    ["same shape", (N, c) => [[N, c], [N, c]]],
    ["row on the right", (N, c) => [[N, c], [1, c]]],
    ["row on the left", (N, c) => [[1, c], [N, c]]],
    ["scalar on the right", (N, c) => [[N, c], [1, 1]]],
    ["scalar on the left", (N, c) => [[1, 1], [N, c]]],
  ];
  return variants.map(([label, shapes]) => ({
    name: `${name} (${label})`,
    build,
    inputs: (rng, N) => shapes(N, dims(rng)).map(([r, c]) => randn(rng, r, c)),
    wrt: [0, 1],
  }));
}

const unary = (name: string, make: (a: Node) => Node, gen: (rng: Rng, r: number, c: number) => Matrix): OpCase => ({
  name,
  build: (n) => make(n[0]),
  inputs: (rng, N) => [gen(rng, N, dims(rng))],
  wrt: [0],
});

const cases: OpCase[] = [
  {
    name: "mm",
    build: (n) => new ag.mm(n[0], n[1]),
    inputs: (rng, N) => {
      const p = dims(rng);
      return [randn(rng, N, p), randn(rng, p, dims(rng))];
    },
    wrt: [0, 1],
  },
  ...broadcastCases("add", (a, b) => new ag.add(a, b)),
  ...broadcastCases("diff", (a, b) => new ag.diff(a, b)),
  ...broadcastCases("mul", (a, b) => new ag.mul(a, b)),
  {
    name: "hstack",
    build: (n) => new ag.hstack(n[0], n[1]),
    inputs: (rng, N) => [randn(rng, N, dims(rng)), randn(rng, N, dims(rng))],
    wrt: [0, 1],
  },
  unary("square", (a) => new ag.square(a), randn),
  unary("exp", (a) => new ag.exp(a), (rng, r, c) => uniform(rng, r, c, -2, 2)),
  unary("log", (a) => new ag.log(a), (rng, r, c) => uniform(rng, r, c, 0.5, 3)),
  unary("cos", (a) => new ag.cos(a), randn),
  unary("identity", (a) => new ag.identity(a), randn),
  unary("relu", (a) => new ag.relu(a), awayFromZero),
  unary("sigmoid", (a) => new ag.sigmoid(a), (rng, r, c) => randn(rng, r, c, 2)),
  unary("tanh", (a) => new ag.tanh(a), randn),
  unary("sum", (a) => new ag.sum(a), randn),
  unary("mean", (a) => new ag.mean(a), randn),
  {
    name: "logistic_loss",
    build: (n) => new ag.logistic_loss(n[0], n[1]),
    inputs: (rng, N) => [randn(rng, N, 1, 3), labels(rng, N, [-1, 1])],
    wrt: [0],
  },
  {
    name: "bce_with_logits",
    build: (n) => new ag.bce_with_logits(n[0], n[1]),
    inputs: (rng, N) => [randn(rng, N, 1, 3), labels(rng, N, [0, 1])],
    wrt: [0],
  },
  {
    name: "softmax_cross_entropy",
    build: (n) => new ag.softmax_cross_entropy(n[0], n[1]),
    inputs: (rng, N) => {
      const C = 2 + rng.int(4);
      return [randn(rng, N, C, 2), labels(rng, N, Array.from({ length: C }, (_, k) => k))];
    },
    wrt: [0],
  },
  {
    name: "square_loss",
    build: (n) => new ag.square_loss(n[0], n[1]),
    inputs: (rng, N) => {
      const k = dims(rng);
      return [randn(rng, N, k), randn(rng, N, k)];
    },
    wrt: [0, 1],
  },
];

describe("every Operation subclass agrees with central finite differences", () => {
  for (const [index, c] of cases.entries()) {
    it(c.name, () => {
      const seed = 1000 + index;
      const rng = new Rng(seed);
      // Trial 0 uses a batch of one sample, the others random batch sizes up to 6.
      for (let trial = 0; trial < 6; trial++) {
        const N = trial === 0 ? 1 : 1 + rng.int(6);
        const err = checkAgainstFiniteDifferences(c.build, c.inputs(rng, N), c.wrt, rng);
        expect(err, `${c.name}, seed ${seed}, trial ${trial}: relative error ${err}`).toBeLessThanOrEqual(TOL);
      }
    });
  }

  it("covers every exported Operation subclass", () => {
    const exported = Object.entries(ag)
      .filter(([, v]) => typeof v === "function" && v.prototype instanceof Operation)
      .map(([k]) => k);
    const tested = new Set(cases.map((c) => c.name.split(" ")[0]));
    expect(exported.filter((k) => !tested.has(k))).toEqual([]);
  });
});

describe("the notes' example f(x) = (x0+x1)² + 7·x0 + cos(x0+x2) at x = [2, 3, −2]", () => {
  // Representation: x is ONE 1×3 InitialNode, as in the notes where x is a vector.
  // Picking entry j is itself an operation: x·e_j with the one-hot 3×1 column e_j,
  // i.e. mm(x, e_j). So the graph needs no special "index" operation, and
  // x.grad comes out as the 1×3 gradient vector.
  const oneHot = (j: number) => new InitialNode(Matrix.fromFunction(3, 1, (i) => (i === j ? 1 : 0)));
  function f(x: Node): Node {
    const [x0, x1, x2] = [0, 1, 2].map((j) => new ag.mm(x, oneHot(j)));
    const squared = new ag.square(new ag.add(x0, x1));
    const linear = new ag.mul(new InitialNode(7), x0); // 1×1 constant times x0
    const wave = new ag.cos(new ag.add(x0, x2));
    return new ag.add(new ag.add(squared, linear), wave);
  }

  it("gives f = 40 and ∇f = [17, 10, 0]", () => {
    const x = new InitialNode([[2, 3, -2]]);
    const y = f(x);
    expect(y.value.get(0, 0)).toBeCloseTo(40, 12);
    y.backward();
    const g = (x.grad as Matrix).toFlatArray();
    [17, 10, 0].forEach((v, j) => expect(g[j]).toBeCloseTo(v, 12));
    // Same as central finite differences.
    const xv = Matrix.fromRows([[2, 3, -2]]);
    const [numeric] = numericalGradient(() => f(new InitialNode(xv)).value.get(0, 0), [xv]);
    expect(relativeError(x.grad as Matrix, numeric)).toBeLessThanOrEqual(TOL);
  });

  it("gives the same with three separate 1×1 nodes x0, x1, x2", () => {
    const [x0, x1, x2] = [2, 3, -2].map((v) => new InitialNode(v));
    const y = new ag.add(
      new ag.add(new ag.square(new ag.add(x0, x1)), new ag.mul(new InitialNode(7), x0)),
      new ag.cos(new ag.add(x0, x2)),
    );
    y.backward();
    expect(y.value.get(0, 0)).toBeCloseTo(40, 12);
    expect([x0, x1, x2].map((n) => (n.grad as Matrix).get(0, 0))).toEqual([
      expect.closeTo(17, 12),
      expect.closeTo(10, 12),
      expect.closeTo(0, 12),
    ]);
  });

  it("is a fan-out graph: the naive assign-and-recurse scheme gets ∂f/∂x0 wrong", () => {
    const x = new InitialNode([[2, 3, -2]]);
    const y = f(x);
    ag.backwardNaive(y);
    // x0 feeds three operations; only the last path's contribution survives.
    expect((x.grad as Matrix).get(0, 0)).not.toBeCloseTo(17, 3);
  });
});

describe("fan-out: a node used by several operations gets the SUM of their gradients", () => {
  it("y = x·x + x: topological backward = 2x + 1 = finite differences; naive does not", () => {
    const rng = new Rng(7);
    const xv = randn(rng, 3, 2);
    const build = (x: Node) => new ag.sum(new ag.add(new ag.mul(x, x), x));
    const x = new InitialNode(xv);
    build(x).backward();
    const correct = (x.grad as Matrix).clone();
    const [numeric] = numericalGradient(() => build(new InitialNode(xv)).value.get(0, 0), [xv]);
    expect(relativeError(correct, numeric)).toBeLessThanOrEqual(TOL);
    expect(correct.toFlatArray()).toEqual(xv.toFlatArray().map((v) => expect.closeTo(2 * v + 1, 12)));

    const xNaive = new InitialNode(xv);
    ag.backwardNaive(build(xNaive));
    const naive = xNaive.grad as Matrix;
    // The last path to x is the "+ x" branch, so naive leaves ∂y/∂x = 1 everywhere.
    expect(naive.toFlatArray()).toEqual(xv.toFlatArray().map(() => 1));
    expect(relativeError(naive, numeric)).toBeGreaterThan(0.1);
  });

  it("a hidden layer h used twice (J = mean((h·W1)²) + sum(h·W2)) also sums both paths", () => {
    const rng = new Rng(8);
    const [Xv, Wv, W1v, W2v] = [randn(rng, 4, 3), randn(rng, 3, 5), randn(rng, 5, 2), randn(rng, 5, 1)];
    const build = (X: Node, W: Node, W1: Node, W2: Node) => {
      const h = new ag.relu(new ag.mm(X, W));
      return new ag.add(new ag.mean(new ag.square(new ag.mm(h, W1))), new ag.sum(new ag.mm(h, W2)));
    };
    const params = [Wv, W1v, W2v];
    const nodes = params.map((p) => new InitialNode(p));
    build(new InitialNode(Xv), nodes[0], nodes[1], nodes[2]).backward();
    const numeric = numericalGradient(
      () => build(new InitialNode(Xv), ...(params.map((p) => new InitialNode(p)) as [Node, Node, Node])).value.get(0, 0),
      params,
    );
    nodes.forEach((n, k) => expect(relativeError(n.grad as Matrix, numeric[k])).toBeLessThanOrEqual(TOL));

    // Naive backward gives the first layer's weights only the last path's share.
    const naiveW = new InitialNode(Wv);
    ag.backwardNaive(build(new InitialNode(Xv), naiveW, new InitialNode(W1v), new InitialNode(W2v)));
    expect(relativeError(naiveW.grad as Matrix, numeric[0])).toBeGreaterThan(1e-3);
  });

  it("on a tree-shaped graph (no fan-out) naive and topological backward agree", () => {
    const rng = new Rng(9);
    const X = new InitialNode(randn(rng, 5, 3));
    const y = new InitialNode(labels(rng, 5, [-1, 1]));
    const W = new InitialNode(randn(rng, 3, 4));
    const V = new InitialNode(randn(rng, 4, 1));
    const loss = new ag.logistic_loss(new ag.mm(new ag.relu(new ag.mm(X, W)), V), y);
    loss.backward();
    const [gW, gV] = [W.grad as Matrix, V.grad as Matrix].map((g) => g.clone());
    ag.backwardNaive(loss);
    expect(relativeError(W.grad as Matrix, gW)).toBe(0);
    expect(relativeError(V.grad as Matrix, gV)).toBe(0);
  });
});

describe("graph mechanics", () => {
  it("lists every node once, after all of its inputs", () => {
    const a = new InitialNode(1);
    const b = new ag.exp(a);
    const c = new ag.mul(a, b);
    const d = new ag.add(c, b);
    const order = ag.topologicalOrder(d);
    expect(order.length).toBe(4);
    for (const [k, node] of order.entries()) {
      for (const input of node.inputs) expect(order.indexOf(input)).toBeLessThan(k);
    }
    expect(order[order.length - 1]).toBe(d);
  });

  it("backward twice gives the same gradients (grads are reset, not accumulated)", () => {
    const x = new InitialNode([[0.5, -1.5]]);
    const y = new ag.sum(new ag.mul(x, new ag.exp(x)));
    y.backward();
    const first = (x.grad as Matrix).clone();
    y.backward();
    expect((x.grad as Matrix).toFlatArray()).toEqual(first.toFlatArray());
  });

  it("accepts a number, nested arrays or a Matrix for an InitialNode", () => {
    expect(new InitialNode(3).value.toArray()).toEqual([[3]]);
    expect(new InitialNode([[1, 2]]).value.shape).toEqual([1, 2]);
    const m = Matrix.ones(2, 2);
    expect(new InitialNode(m).value).toBe(m);
  });

  it("the notes' regression graph mean(square(diff(mm(X, w), y))) equals the MSE and its gradient 2Xᵀ(Xw − y)/N", () => {
    const rng = new Rng(10);
    const Xv = randn(rng, 6, 3);
    const wv = randn(rng, 3, 1);
    const yv = randn(rng, 6, 1);
    const w = new InitialNode(wv);
    const J = new ag.mean(new ag.square(new ag.diff(new ag.mm(new InitialNode(Xv), w), new InitialNode(yv))));
    J.backward();
    const residual = Xv.toArray().map((row, i) => row.reduce((s, x, j) => s + x * wv.get(j, 0), 0) - yv.get(i, 0));
    expect(J.value.get(0, 0)).toBeCloseTo(residual.reduce((s, r) => s + r * r, 0) / 6, 12);
    const expected = [0, 1, 2].map((j) => residual.reduce((s, r, i) => s + (2 * Xv.get(i, j) * r) / 6, 0));
    expect((w.grad as Matrix).toFlatArray()).toEqual(expected.map((v) => expect.closeTo(v, 12)));
    // square_loss is the same graph in one node.
    const single = new ag.square_loss(new ag.mm(new InitialNode(Xv), new InitialNode(wv)), new InitialNode(yv));
    expect(single.value.get(0, 0)).toBeCloseTo(J.value.get(0, 0), 12);
  });
});

describe("loss values", () => {
  it("softmax_cross_entropy of the cat/car/frog scores (3.2, 5.1, −1.7), label cat, is 2.04 (natural log)", () => {
    const loss = new ag.softmax_cross_entropy(new InitialNode([[3.2, 5.1, -1.7]]), new InitialNode([[0]]));
    expect(loss.value.get(0, 0)).toBeCloseTo(2.04, 2);
  });

  it("logistic_loss matches log(1 + exp(−y·a)) and bce_with_logits is the same loss under 0/1 labels", () => {
    const a = [[0.3], [-1.2], [2.5], [-0.1]];
    const ypm = [[1], [-1], [-1], [1]];
    const expected = a.reduce((s, [v], i) => s + Math.log(1 + Math.exp(-ypm[i][0] * v)), 0) / 4;
    const logistic = new ag.logistic_loss(new InitialNode(a), new InitialNode(ypm));
    const bce = new ag.bce_with_logits(new InitialNode(a), new InitialNode(ypm.map(([v]) => [(v + 1) / 2])));
    expect(logistic.value.get(0, 0)).toBeCloseTo(expected, 12);
    expect(bce.value.get(0, 0)).toBeCloseTo(expected, 12);
  });

  it("stays finite for huge scores (no overflow in exp)", () => {
    const big = new InitialNode([[1000], [-1000]]);
    const logistic = new ag.logistic_loss(big, new InitialNode([[-1], [1]]));
    logistic.backward();
    expect(logistic.value.get(0, 0)).toBeCloseTo(1000, 9); // each sample is wrong by 1000
    expect((big.grad as Matrix).toFlatArray()).toEqual([0.5, -0.5]);
    const bce = new ag.bce_with_logits(new InitialNode([[1000], [-1000]]), new InitialNode([[0], [1]]));
    expect(bce.value.get(0, 0)).toBeCloseTo(1000, 9);
    const Z = new InitialNode([[1000, 0, -1000]]);
    const ce = new ag.softmax_cross_entropy(Z, new InitialNode([[1]]));
    ce.backward();
    expect(ce.value.get(0, 0)).toBeCloseTo(1000, 9);
    expect((Z.grad as Matrix).toFlatArray()).toEqual([1, -1, 0]);
  });
});

describe("bad input", () => {
  const m = (r: number, c: number) => new InitialNode(Matrix.ones(r, c));

  it("shape mismatch is a ShapeError naming the operation and both shapes", () => {
    expect(() => new ag.mm(m(3, 2), m(3, 4))).toThrow(ShapeError);
    expect(() => new ag.mm(m(3, 2), m(3, 4))).toThrow(/mm: 3×2 times 3×4/);
    expect(() => new ag.add(m(3, 2), m(2, 2))).toThrow(/add: shapes 3×2 and 2×2/);
    expect(() => new ag.diff(m(3, 2), m(1, 3))).toThrow(/diff: shapes 3×2 and 1×3/);
    expect(() => new ag.mul(m(2, 2), m(2, 1))).toThrow(/mul: shapes 2×2 and 2×1/);
    expect(() => new ag.hstack(m(2, 2), m(3, 1))).toThrow(/hstack: 2×2 and 3×1/);
    expect(() => new ag.logistic_loss(m(3, 2), m(3, 1))).toThrow(/logistic_loss: needs one output unit .* got 3×2/);
    expect(() => new ag.softmax_cross_entropy(m(3, 2), m(2, 1))).toThrow(ShapeError);
    expect(() => new ag.square_loss(m(3, 2), m(3, 1))).toThrow(/square_loss: labels y are 3×1 but the output is 3×2/);
  });

  it("labels outside the loss's coding are a RangeError", () => {
    expect(() => new ag.logistic_loss(m(2, 1), new InitialNode([[1], [0]]))).toThrow(/logistic_loss: label 0 in row 1 is outside the coding \(y N×1 with values −1 or 1\)/);
    expect(() => new ag.bce_with_logits(m(2, 1), new InitialNode([[1], [-1]]))).toThrow(RangeError);
    expect(() => new ag.softmax_cross_entropy(m(2, 3), new InitialNode([[0], [3]]))).toThrow(/label 3 in row 1 .* 0\.\.2/);
    expect(() => new ag.softmax_cross_entropy(m(1, 3), new InitialNode([[0.5]]))).toThrow(RangeError);
    expect(() => new ag.logistic_loss(m(1, 1), new InitialNode([[NaN]]))).toThrow(RangeError);
  });

  it("an empty batch is a RangeError", () => {
    expect(() => new ag.logistic_loss(m(0, 1), m(0, 1))).toThrow(/empty batch/);
    expect(() => new ag.softmax_cross_entropy(m(0, 3), m(0, 1))).toThrow(/empty batch/);
    expect(() => new ag.mean(m(0, 3))).toThrow(/empty/);
  });

  it("log of a non-positive entry, backward from a non-scalar, and non-node inputs are explained", () => {
    expect(() => new ag.log(new InitialNode([[1, -1]]))).toThrow(/log: entry \(0, 1\) is -1/);
    expect(() => new ag.relu(m(2, 2)).backward()).toThrow(/backward: the final node is 2×2/);
    expect(() => new ag.relu(m(2, 2)).backward(Matrix.ones(1, 2))).toThrow(/seed gradient is 1×2/);
    expect(() => new ag.relu(Matrix.ones(2, 2) as unknown as Node)).toThrow(/not a graph node/);
  });
});

// Students write ops; a field with an initialiser is only set after the
// Operation constructor (and its forward) has run.
describe("an Operation subclass with its own fields", () => {
  class shift extends Operation {
    private readonly offset = 10; // read by forward
    private lastInput: Matrix | null = null; // written by forward, read by gradient
    constructor(a: InstanceType<typeof InitialNode> | Operation) {
      super(a);
    }
    protected forward(A: Matrix): Matrix {
      this.lastInput = A;
      return A.map((a) => a + this.offset);
    }
    gradient(): Matrix[] {
      if (this.lastInput === null) throw new Error("forward's cache was lost");
      return [this.grad as Matrix];
    }
  }

  it("gets a value computed with its fields in place", () => {
    const node = new shift(new InitialNode([[1, 2]]));
    expect(Array.from(node.value.data)).toEqual([11, 12]);
  });

  it("keeps what forward cached for the gradient, also as an input of another op", () => {
    const x = new InitialNode([[1, 2]]);
    const loss = new ag.sum(new shift(x));
    expect(loss.value.data[0]).toBe(23);
    loss.backward();
    expect(Array.from((x.grad as Matrix).data)).toEqual([1, 1]);
  });

  it("still throws at `new` when forward rejects its inputs", () => {
    expect(() => new ag.mm(new InitialNode([[1, 2]]), new InitialNode([[1, 2]]))).toThrow(ShapeError);
  });
});
