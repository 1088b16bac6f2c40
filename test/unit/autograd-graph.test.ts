// The graph engine on the notes' worked examples, fan-out, its mechanics,
// loss values and bad input. (Each op against finite differences:
// autograd-ops.test.ts; subclasses with fields: autograd-subclass.test.ts.)
import { describe, expect, it } from "vitest";
import { InitialNode, Matrix, Rng, ShapeError, ag, numericalGradient, relativeError } from "nnlab";
import { labels, randn } from "../helpers/random-matrices";

type Node = ag.Node;

const TOL = 1e-6;

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
