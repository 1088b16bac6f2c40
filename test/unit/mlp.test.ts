import { describe, expect, it } from "vitest";
import {
  MLP, Matrix, Rng, add, countParameters, getActivation, getLoss, gradientsToList, matMul, maxAbsDiff, sumRows, vstack,
  type InterceptMode,
} from "nnlab";

const randn = (rows: number, cols: number, rng: Rng) => Matrix.fromFunction(rows, cols, () => rng.normal());

describe("MLP forward pass", () => {
  it("keeps a(l) and h(l) for every layer with the notes' indices and shapes", () => {
    const net = new MLP({ unitsPerLayer: [3, 5, 4, 2], seed: 1 });
    const X = randn(6, 3, new Rng(2));
    const { a, h } = net.forward(X);
    expect(h.length).toBe(4);
    expect(a.length).toBe(4);
    expect(h[0]).toBe(X);
    expect(h.map((m) => m.shape)).toEqual([[6, 3], [6, 5], [6, 4], [6, 2]]);
    expect(a.slice(1).map((m) => m.shape)).toEqual([[6, 5], [6, 4], [6, 2]]);
    expect(maxAbsDiff(h[3], a[3])).toBe(0); // identity last layer
  });

  it("computes σ(h(l−1)·W(l) + b(l)) layer after layer", () => {
    const rng = new Rng(3);
    const net = new MLP({ unitsPerLayer: [2, 4, 3, 1], hiddenActivation: "tanh", seed: 4 });
    net.biases.forEach((b) => b.data.forEach((_, k) => (b.data[k] = rng.normal())));
    const X = randn(5, 2, rng);
    const tanh = getActivation("tanh");
    let h = X;
    for (let l = 0; l < 3; l++) {
      const a = add(matMul(h, net.weights[l]), net.biases[l]);
      h = l < 2 ? tanh.forward(a) : a;
    }
    expect(maxAbsDiff(net.decisionFunction(X), h)).toBeLessThan(1e-14);
  });

  it("ones_column appends ones to every layer input and matches bias mode from the same seed", () => {
    const opts = { unitsPerLayer: [3, 4, 2], hiddenActivation: "sigmoid" as const, seed: 7 };
    const withBias = new MLP({ ...opts, intercept: "bias" });
    const withOnes = new MLP({ ...opts, intercept: "ones_column" });
    const rng = new Rng(8);
    // give the intercepts non-zero values, identical in both representations
    withBias.biases.forEach((b, l) => {
      b.data.forEach((_, k) => (b.data[k] = rng.normal()));
      const W = withOnes.weights[l];
      W.data.set(b.data, (W.rows - 1) * W.cols);
    });
    expect(withOnes.weights.map((w) => w.shape)).toEqual([[4, 4], [5, 2]]);
    expect(withOnes.biases).toEqual([]);
    const X = randn(5, 3, rng);
    const pass = withOnes.forward(X);
    expect(pass.h[0].shape).toEqual([5, 4]);
    expect(pass.h[1].shape).toEqual([5, 5]);
    for (const m of [pass.h[0], pass.h[1]]) for (let i = 0; i < 5; i++) expect(m.get(i, m.cols - 1)).toBe(1);
    expect(pass.h[2].shape).toEqual([5, 2]);
    expect(maxAbsDiff(withOnes.decisionFunction(X), withBias.decisionFunction(X))).toBeLessThan(1e-14);

    // and the gradient of the ones row is the bias gradient
    const y = randn(5, 2, rng);
    const gB = withBias.lossAndGradients(X, y, "square_loss").gradients;
    const gO = withOnes.lossAndGradients(X, y, "square_loss").gradients;
    for (let l = 0; l < 2; l++) {
      expect(maxAbsDiff(gO.weights[l], vstack(gB.weights[l], gB.biases[l]))).toBeLessThan(1e-14);
    }
  });

  it("with intercept none there are no biases and a zero input gives a(1) = 0", () => {
    const net = new MLP({ unitsPerLayer: [3, 4, 2], intercept: "none", hiddenActivation: "sigmoid", seed: 1 });
    expect(net.biases).toEqual([]);
    expect(net.forward(Matrix.zeros(2, 3)).a[1].toFlatArray().every((v) => v === 0)).toBe(true);
  });
});

describe("MLP backward pass", () => {
  it("bias gradient is the column sum of ∇a(l), so it scales with the batch under reduction sum", () => {
    const net = new MLP({ unitsPerLayer: [2, 3, 1], hiddenActivation: "tanh", seed: 2 });
    const rng = new Rng(1);
    const x = randn(1, 2, rng), y = Matrix.column([0.5]);
    const one = net.lossAndGradients(x, y, "square_loss", "sum").gradients;
    const twice = net.lossAndGradients(vstack(x, x), vstack(y, y), "square_loss", "sum").gradients;
    gradientsToList(one).forEach((g, i) => {
      expect(maxAbsDiff(gradientsToList(twice)[i], g.map((v) => 2 * v))).toBeLessThan(1e-14);
    });
    const mean = net.lossAndGradients(vstack(x, x), vstack(y, y), "square_loss", "mean").gradients;
    gradientsToList(one).forEach((g, i) => expect(maxAbsDiff(gradientsToList(mean)[i], g)).toBeLessThan(1e-14));
  });

  it("the last layer's intercept gradient is Σ_rows of rule 0's result", () => {
    const net = new MLP({ unitsPerLayer: [3, 4, 3], seed: 5 });
    const rng = new Rng(6);
    const X = randn(4, 3, rng);
    const y = Matrix.column([0, 2, 1, 2]);
    const out = net.decisionFunction(X);
    const { gradients } = net.lossAndGradients(X, y, "softmax_cross_entropy");
    expect(maxAbsDiff(gradients.biases[1], sumRows(getLoss("softmax_cross_entropy").gradient(out, y)))).toBeLessThan(1e-15);
  });

  it("learns XOR with plain gradient descent", () => {
    const X = Matrix.fromRows([[0, 0], [1, 0], [0, 1], [1, 1]]);
    const y = Matrix.column([0, 1, 1, 0]);
    const net = new MLP({ unitsPerLayer: [2, 8, 1], hiddenActivation: "tanh", seed: 3 });
    const first = net.lossAndGradients(X, y, "bce_with_logits").loss;
    let last = first;
    for (let step = 0; step < 3000; step++) {
      const { loss, gradients } = net.lossAndGradients(X, y, "bce_with_logits");
      last = loss;
      const grads = gradientsToList(gradients);
      net.getParameters().forEach((p, i) => p.data.forEach((v, k) => (p.data[k] = v - 0.5 * grads[i].data[k])));
    }
    expect(last).toBeLessThan(0.05 * first);
    expect(net.predict(X, "bce_with_logits").toFlatArray()).toEqual([0, 1, 1, 0]);
  });
});

describe("MLP parameters", () => {
  it("the method countParameters() agrees with the function countParameters, and ones_column equals bias", () => {
    const units = [4, 6, 3, 2];
    for (const intercept of ["bias", "ones_column", "none"] as InterceptMode[]) {
      const net = new MLP({ unitsPerLayer: units, intercept });
      const byHand = net.getParameters().reduce((s, p) => s + p.rows * p.cols, 0);
      expect(net.countParameters()).toBe(byHand);
      expect(net.countParameters()).toBe(countParameters(units, intercept !== "none"));
    }
    expect(countParameters([4, 6, 3, 2])).toBe(4 * 6 + 6 + 6 * 3 + 3 + 3 * 2 + 2);
  });

  it("getParameters returns the live matrices; setParameters copies values in", () => {
    const net = new MLP({ unitsPerLayer: [2, 3, 1], seed: 1 });
    const ps = net.getParameters();
    expect(ps.length).toBe(4);
    expect(ps[0]).toBe(net.weights[0]);
    expect(ps[3]).toBe(net.biases[1]);
    const other = new MLP({ unitsPerLayer: [2, 3, 1], seed: 2 });
    other.setParameters(ps);
    expect(other.getParameters()[0]).not.toBe(ps[0]);
    other.getParameters().forEach((p, i) => expect(p.toArray()).toEqual(ps[i].toArray()));
    expect(() => other.setParameters(ps.slice(1))).toThrow(/expected 4 matrices/);
  });

  it("clone is an independent copy with equal outputs", () => {
    const net = new MLP({ unitsPerLayer: [2, 3, 2], hiddenActivation: "sigmoid", intercept: "ones_column", seed: 4 });
    const copy = net.clone();
    const X = randn(3, 2, new Rng(1));
    expect(copy.decisionFunction(X).toArray()).toEqual(net.decisionFunction(X).toArray());
    expect(copy.hiddenActivation).toBe("sigmoid");
    expect(copy.intercept).toBe("ones_column");
    copy.weights[0].data[0] += 1;
    expect(copy.weights[0].data[0]).not.toBe(net.weights[0].data[0]);
  });

  it("the same seed gives the same network, another seed a different one", () => {
    const a = new MLP({ unitsPerLayer: [3, 4, 1], seed: 10 });
    const b = new MLP({ unitsPerLayer: [3, 4, 1], seed: 10 });
    const c = new MLP({ unitsPerLayer: [3, 4, 1], seed: 11 });
    expect(a.weights[0].toArray()).toEqual(b.weights[0].toArray());
    expect(a.weights[0].toArray()).not.toEqual(c.weights[0].toArray());
  });

  it("accepts explicit weights and biases (and the ones-row form)", () => {
    const weights = [[[1, 2], [3, 4]], [[5], [6]]];
    const net = new MLP({ unitsPerLayer: [2, 2, 1], weights, biases: [[0.1, 0.2], [0.3]] });
    expect(net.weights[1].toArray()).toEqual([[5], [6]]);
    expect(net.biases[0].toArray()).toEqual([[0.1, 0.2]]);
    const folded = new MLP({ unitsPerLayer: [2, 2, 1], intercept: "ones_column", weights, biases: [[0.1, 0.2], [0.3]] });
    expect(folded.weights[0].toArray()).toEqual([[1, 2], [3, 4], [0.1, 0.2]]);
    const rowForm = new MLP({ unitsPerLayer: [2, 2, 1], intercept: "ones_column", weights: [[[1, 2], [3, 4], [0.1, 0.2]], [[5], [6], [0.3]]] });
    const X = Matrix.fromRows([[0.5, -1], [2, 0.25]]);
    expect(maxAbsDiff(rowForm.decisionFunction(X), net.decisionFunction(X))).toBeLessThan(1e-15);
    expect(maxAbsDiff(folded.decisionFunction(X), net.decisionFunction(X))).toBeLessThan(1e-15);
  });

  it("predict uses the loss's coding, argmax for several outputs by default", () => {
    const net = new MLP({ unitsPerLayer: [2, 3], weights: [[[1, 0, -1], [0, 1, -1]]] });
    const X = Matrix.fromRows([[2, 1], [0, 3], [-1, -2]]);
    expect(net.predict(X).toFlatArray()).toEqual([0, 1, 2]);
    const lin = new MLP({ unitsPerLayer: [2, 1], weights: [[[1], [-1]]], biases: [[0]] });
    expect(lin.predict(X).toFlatArray()).toEqual([1, -3, 1]);
    expect(lin.predict(X, "logistic_loss").toFlatArray()).toEqual([1, -1, 1]);
    expect(lin.predict(X, "bce_with_logits").toFlatArray()).toEqual([1, 0, 1]);
  });
});
