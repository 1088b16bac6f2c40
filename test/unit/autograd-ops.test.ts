// Every Operation subclass of the graph engine against central finite
// differences, on random shapes and batch sizes (including a single sample).
import { describe, expect, it } from "vitest";
import { InitialNode, Matrix, Operation, Rng, ag, mul as mulMatrices, numericalGradient, relativeError, sum as sumMatrix } from "nnlab";
import { awayFromZero, labels, randn, uniform } from "../helpers/random-matrices";

type Node = ag.Node;

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
