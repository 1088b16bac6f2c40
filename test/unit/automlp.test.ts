import { describe, expect, it } from "vitest";
import {
  ActivationName,
  AutoMLP,
  InterceptMode,
  LossName,
  MLP,
  Matrix,
  Rng,
  ShapeError,
  maxAbsDiff,
  relativeError,
  scale,
  sub,
} from "nnlab";
import { randn } from "../helpers/random-matrices";

/** Labels in the coding of `loss` for N samples and k outputs. */
function labelsFor(loss: LossName, rng: Rng, N: number, k: number): Matrix {
  switch (loss) {
    case "logistic_loss":
      return Matrix.fromFunction(N, 1, () => (rng.next() < 0.5 ? -1 : 1));
    case "bce_with_logits":
      return Matrix.fromFunction(N, 1, () => rng.int(2));
    case "softmax_cross_entropy":
      return Matrix.fromFunction(N, 1, () => rng.int(k));
    case "square_loss":
      return randn(rng, N, k);
  }
}

const activations: ActivationName[] = ["identity", "relu", "sigmoid", "tanh"];
const intercepts: InterceptMode[] = ["bias", "ones_column", "none"];
const lossNames: LossName[] = ["logistic_loss", "bce_with_logits", "softmax_cross_entropy", "square_loss"];
/** Input and hidden sizes: 0, 1, 2 and 3 hidden layers. */
const bodies = [[3], [2, 4], [4, 3, 5], [3, 2, 4, 3]];

describe("AutoMLP and the hand-coded MLP give identical losses and gradients from the same weights", () => {
  for (const loss of lossNames) {
    it(`${loss}: every architecture, hidden activation, intercept mode, batch size 1 and 7`, () => {
      const seed = 20 + lossNames.indexOf(loss);
      const rng = new Rng(seed);
      let cases = 0;
      for (const body of bodies) {
        const k = loss === "logistic_loss" || loss === "bce_with_logits" ? 1 : loss === "softmax_cross_entropy" ? 3 : 2;
        const unitsPerLayer = [...body, k];
        for (const hiddenActivation of activations) {
          for (const intercept of intercepts) {
            const mlp = new MLP({ unitsPerLayer, hiddenActivation, intercept, seed: rng.int(1000) });
            // Random intercepts too (they start at zero), so their gradients are exercised.
            for (const p of mlp.getParameters()) p.data.set(randn(rng, p.rows, p.cols, 0.8).data);
            const auto = AutoMLP.fromMLP(mlp, { loss });
            for (const N of [1, 7]) {
              const X = randn(rng, N, unitsPerLayer[0]);
              const y = labelsFor(loss, rng, N, k);
              const hand = mlp.lossAndGradients(X, y, loss);
              const graph = auto.lossAndGradients(X, y);
              const where = `seed ${seed}: ${unitsPerLayer.join("→")} ${hiddenActivation} ${intercept} N=${N}`;
              expect(Math.abs(graph.loss - hand.loss), where).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(hand.loss)));
              expect(graph.gradients.weights.length, where).toBe(hand.gradients.weights.length);
              expect(graph.gradients.biases.length, where).toBe(hand.gradients.biases.length);
              const pairs = [
                ...hand.gradients.weights.map((g, i) => [g, graph.gradients.weights[i]]),
                ...hand.gradients.biases.map((g, i) => [g, graph.gradients.biases[i]]),
              ];
              for (const [h, a] of pairs) {
                expect(a.shape, where).toEqual(h.shape);
                expect(relativeError(a, h), where).toBeLessThanOrEqual(1e-12);
              }
              expect(maxAbsDiff(auto.decisionFunction(X), mlp.decisionFunction(X)), where).toBeLessThanOrEqual(1e-12);
              expect(auto.predict(X).toFlatArray(), where).toEqual(mlp.predict(X, loss).toFlatArray());
              cases++;
            }
          }
        }
      }
      expect(cases).toBe(bodies.length * activations.length * intercepts.length * 2);
    });
  }

  it("new AutoMLP(opts) starts from the weights new MLP(opts) draws", () => {
    for (const intercept of intercepts) {
      const opts = { unitsPerLayer: [3, 5, 2], intercept, init: "he" as const, seed: 42 };
      const auto = new AutoMLP(opts);
      const mlp = new MLP(opts);
      const a = auto.getParameters();
      const m = mlp.getParameters();
      expect(a.length).toBe(m.length);
      a.forEach((p, i) => expect(p.toFlatArray()).toEqual(m[i].toFlatArray()));
    }
  });

  it("fromMLP copies the weights: training the AutoMLP leaves the MLP untouched", () => {
    const mlp = new MLP({ unitsPerLayer: [2, 3, 1], seed: 1 });
    const before = mlp.getParameters().map((p) => p.clone());
    const auto = AutoMLP.fromMLP(mlp, { learningRate: 0.5 });
    auto.take_step(randn(new Rng(2), 4, 2), Matrix.column([1, -1, 1, -1]));
    mlp.getParameters().forEach((p, i) => expect(p.toFlatArray()).toEqual(before[i].toFlatArray()));
    expect(maxAbsDiff(auto.getParameters()[0], before[0])).toBeGreaterThan(0);
  });
});

describe("learning", () => {
  it("take_step is θ ← θ − α·∇θ with the hand-coded gradients", () => {
    const rng = new Rng(3);
    const mlp = new MLP({ unitsPerLayer: [3, 4, 2], hiddenActivation: "tanh", seed: 5 });
    const auto = AutoMLP.fromMLP(mlp, { loss: "softmax_cross_entropy", learningRate: 0.3 });
    const X = randn(rng, 6, 3);
    const y = labelsFor("softmax_cross_entropy", rng, 6, 2);
    const { loss, gradients } = mlp.lossAndGradients(X, y, "softmax_cross_entropy");
    const expected = [...mlp.weights.map((W, i) => sub(W, scale(gradients.weights[i], 0.3))),
      ...mlp.biases.map((b, i) => sub(b, scale(gradients.biases[i], 0.3)))];
    expect(auto.take_step(X, y)).toBeCloseTo(loss, 12);
    auto.getParameters().forEach((p, i) => expect(maxAbsDiff(p, expected[i])).toBeLessThanOrEqual(1e-12));
  });

  /** XOR-like points: label +1 when x1 and x2 have the same sign, −1 otherwise. */
  function xorPoints(n: number, seed: number): { X: Matrix; y: Matrix } {
    const rng = new Rng(seed);
    const X = Matrix.fromFunction(n, 2, () => rng.uniform(-1, 1));
    const y = Matrix.fromFunction(n, 1, (i) => (X.get(i, 0) * X.get(i, 1) > 0 ? 1 : -1));
    return { X, y };
  }

  it("fit() lowers the loss on XOR-like data (epochs × minibatches) and learns the classes", () => {
    const { X, y } = xorPoints(80, 11);
    const net = new AutoMLP({
      unitsPerLayer: [2, 16, 1],
      hiddenActivation: "tanh",
      loss: "logistic_loss",
      learningRate: 0.5,
      batchSize: 8,
      maxEpochs: 150,
      seed: 4,
    });
    const initial = net.lossAndGradients(X, y).loss;
    net.fit(X, y);
    expect(net.lossHistory.length).toBe(150);
    const final = net.lossHistory[net.lossHistory.length - 1];
    expect(final).toBeLessThan(0.5 * initial);
    // Predictions are in the loss's coding (±1); most training points are right.
    const pred = net.predict(X).toFlatArray();
    const correct = pred.filter((p, i) => p === y.get(i, 0)).length;
    expect(correct / X.rows).toBeGreaterThanOrEqual(0.9);
  });

  it("fit() is reproducible from the seed, and a different seed shuffles differently", () => {
    const { X, y } = xorPoints(30, 12);
    const opts = { unitsPerLayer: [2, 5, 1], learningRate: 0.2, batchSize: 4, maxEpochs: 5 };
    const a = new AutoMLP({ ...opts, seed: 1 }).fit(X, y).lossHistory;
    const b = new AutoMLP({ ...opts, seed: 1 }).fit(X, y).lossHistory;
    expect(a).toEqual(b);
    // Same initial weights, different sample order: the histories differ.
    const mlp = new MLP({ unitsPerLayer: opts.unitsPerLayer, seed: 1 });
    const c = AutoMLP.fromMLP(mlp, { ...opts, seed: 2 }).fit(X, y).lossHistory;
    expect(c).not.toEqual(a);
  });

  it("with one batch per epoch, fit() equals repeated full-gradient take_step", () => {
    const { X, y } = xorPoints(12, 13);
    const opts = { unitsPerLayer: [2, 4, 1], learningRate: 0.3, batchSize: 12, maxEpochs: 3, seed: 6 };
    const fitted = new AutoMLP(opts).fit(X, y);
    const stepped = new AutoMLP(opts);
    for (let e = 0; e < 3; e++) stepped.take_step(X, y);
    fitted.getParameters().forEach((p, i) => expect(maxAbsDiff(p, stepped.getParameters()[i])).toBeLessThanOrEqual(1e-12));
  });
});

describe("bad input", () => {
  const base = { unitsPerLayer: [2, 3, 1] };
  const X = Matrix.fromRows([[0, 1], [1, 0]]);
  const y = Matrix.column([1, -1]);

  it("rejects learning rate ≤ 0, batch size ≤ 0 or fractional, and a layer with 0 units", () => {
    expect(() => new AutoMLP({ ...base, learningRate: 0 })).toThrow(/learningRate must be a finite number > 0/);
    expect(() => new AutoMLP({ ...base, learningRate: -0.1 })).toThrow(RangeError);
    expect(() => new AutoMLP({ ...base, batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => new AutoMLP({ ...base, batchSize: 2.5 })).toThrow(/batchSize/);
    expect(() => new AutoMLP({ ...base, maxEpochs: -1 })).toThrow(/maxEpochs/);
    expect(() => new AutoMLP({ unitsPerLayer: [2, 0, 1] })).toThrow(RangeError);
    expect(() => new AutoMLP({ ...base, loss: "hinge" as LossName })).toThrow(/unknown loss "hinge"/);
  });

  it("rejects wrong shapes, non-finite inputs, labels outside the coding and empty batches", () => {
    const net = new AutoMLP(base);
    expect(() => net.lossAndGradients(Matrix.zeros(2, 3), y)).toThrow(ShapeError);
    expect(() => net.lossAndGradients(Matrix.zeros(2, 3), y)).toThrow(/X is 2×3 but the network expects 2 input columns/);
    expect(() => net.lossAndGradients(X, Matrix.column([1, -1, 1]))).toThrow(/X has 2 rows but y has 3/);
    expect(() => net.lossAndGradients(Matrix.fromRows([[0, NaN], [1, 0]]), y)).toThrow(/non-finite value NaN/);
    expect(() => net.predict(Matrix.fromRows([[Infinity, 0]]))).toThrow(RangeError);
    expect(() => net.fit(X, Matrix.column([1, 0]))).toThrow(/label 0 in row 1/);
    expect(() => net.lossAndGradients(Matrix.zeros(0, 2), Matrix.zeros(0, 1))).toThrow(/empty batch/);
    expect(() => net.fit(Matrix.zeros(0, 2), Matrix.zeros(0, 1))).toThrow(/empty batch/);
    const regression = new AutoMLP({ ...base, loss: "square_loss" });
    expect(() => regression.lossAndGradients(X, Matrix.column([0.5, NaN]))).toThrow(/labels y has a non-finite value/);
  });
});
