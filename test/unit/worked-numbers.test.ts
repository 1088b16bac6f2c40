// The lecture notes' worked numbers that fall in activations / losses / mlp,
// recomputed with the library.
import { describe, expect, it } from "vitest";
import {
  MLP, Matrix, Rng, argmaxRows, countParameters, getLoss, maxAbsDiff, numericalGradient, rule0, sigmoid, softmaxRows, sub, sumRows,
  scale,
} from "nnlab";

describe("cat / car / frog (notes 002)", () => {
  const scores = Matrix.fromRows([[3.2, 5.1, -1.7]]); // cat, car, frog

  it("exp gives 24.5, 164.0, 0.18 and softmax gives 0.13, 0.87, 0.00", () => {
    const e = scores.toFlatArray().map(Math.exp);
    expect(e[0]).toBeCloseTo(24.5, 1);
    expect(e[1]).toBeCloseTo(164.0, 0);
    expect(e[2]).toBeCloseTo(0.18, 2);
    const p = softmaxRows(scores).toFlatArray();
    expect(p[0]).toBeCloseTo(0.13, 2);
    expect(p[1]).toBeCloseTo(0.87, 2);
    expect(p[2]).toBeCloseTo(0.0, 2);
  });

  it("the loss for the true class cat is −log(0.13) = 2.04 with the natural log", () => {
    // The note writes L = −log(0.13) = 2.04: that is the natural log, ln(1/0.13) = 2.04
    // (log10 would give 0.89), and the library's losses use Math.log throughout.
    const loss = getLoss("softmax_cross_entropy").value(scores, Matrix.column([0]));
    expect(loss).toBeCloseTo(2.04, 2);
    expect(loss).toBeCloseTo(-Math.log(softmaxRows(scores).data[0]), 12);
  });

  it("small random scores give a loss of about log C (the note: log 10 ≈ 2.3)", () => {
    const rng = new Rng(2);
    for (const C of [3, 10]) {
      const n = 500;
      const z = Matrix.fromFunction(n, C, () => rng.normal(0, 1e-3));
      const y = Matrix.fromFunction(n, 1, () => rng.int(C));
      expect(getLoss("softmax_cross_entropy").value(z, y)).toBeCloseTo(Math.log(C), 3);
    }
  });
});

describe("XOR network by hand (notes 004)", () => {
  it("relu hidden layer then logistic output gives σ(1/2), σ(−1/2), σ(−1/2), σ(1/2)", () => {
    const net = new MLP({
      unitsPerLayer: [2, 2, 1],
      hiddenActivation: "relu",
      weights: [[[1, -1], [-1, 1]], [[-1], [-1]]],
      biases: [[0, 0], [0.5]],
    });
    const X = Matrix.fromRows([[0, 0], [1, 0], [0, 1], [1, 1]]);
    const hidden = net.forward(X).h[1];
    expect(hidden.toArray()).toEqual([[0, 0], [1, 0], [0, 1], [0, 0]]);
    const prob = net.decisionFunction(X).toFlatArray().map(sigmoid);
    [0.5, -0.5, -0.5, 0.5].forEach((z, i) => expect(prob[i]).toBeCloseTo(sigmoid(z), 15));
    // it separates ¬XOR: class 1 exactly for (0,0) and (1,1)
    expect(net.predict(X, "bce_with_logits").toFlatArray()).toEqual([1, 0, 0, 1]);
  });
});

describe("5→7→4→3 network on 4 samples (notes 002)", () => {
  // The notes' inputs; classes 2, 0, 1, 2 (one-hot Y); weights uniform in [0, 1) like torch.rand.
  const X = Matrix.fromRows([
    [-8, 1, -3, 5, 2],
    [-2, 2, -1, 5, 2],
    [7, 1, 9, -5, -2],
    [3, 1, 9, 5, 2],
  ]);
  const Y = Matrix.fromRows([[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const classes = Matrix.column(argmaxRows(Y));
  const rng = new Rng(2023);
  const uniformRows = (r: number, c: number) => Array.from({ length: r }, () => Array.from({ length: c }, () => rng.next()));
  const net = new MLP({
    unitsPerLayer: [5, 7, 4, 3],
    hiddenActivation: "sigmoid",
    weights: [uniformRows(5, 7), uniformRows(7, 4), uniformRows(4, 3)],
    biases: [uniformRows(1, 7)[0], uniformRows(1, 4)[0], uniformRows(1, 3)[0]],
  });
  const N = 4;

  it("∂L/∂Z3 = (A3 − Y)/N for the mean cross-entropy L = −(1/N) Σ Y ⊙ log A3", () => {
    const Z3 = net.decisionFunction(X);
    const A3 = softmaxRows(Z3);
    const loss = getLoss("softmax_cross_entropy");
    let byFormula = 0;
    Y.data.forEach((v, k) => (byFormula -= (v * Math.log(A3.data[k])) / N));
    expect(loss.value(Z3, classes)).toBeCloseTo(byFormula, 12);

    const expected = scale(sub(A3, Y), 1 / N);
    const grad = rule0("softmax_cross_entropy", Z3, classes, "mean");
    expect(maxAbsDiff(grad, expected)).toBeLessThan(1e-15);
    // and independently of any formula, by finite differences
    const numeric = numericalGradient(() => loss.value(Z3, classes), [Z3])[0];
    expect(maxAbsDiff(numeric, expected)).toBeLessThan(1e-8);
    // backprop hands exactly this to the last layer: its bias gradient is Σ_rows (A3 − Y)/N
    const { gradients } = net.lossAndGradients(X, classes, "softmax_cross_entropy");
    expect(maxAbsDiff(gradients.biases[2], sumRows(expected))).toBeLessThan(1e-15);
  });
});

describe("parameter counts (notes 000/001 quiz; notes 004 formula Σ d_{i−1}(d_i + 1))", () => {
  it("d = 10, 100 hidden units, 1 or 10 outputs", () => {
    // without intercepts Σ u(l−1)·u(l): 10·100 + 100·1 and 10·100 + 100·10
    expect(countParameters([10, 100, 1], false)).toBe(1100);
    expect(countParameters([10, 100, 10], false)).toBe(2000);
    // with one intercept per unit: (10+1)·100 + (100+1)·1 and (10+1)·100 + (100+1)·10
    expect(countParameters([10, 100, 1])).toBe(1201);
    expect(countParameters([10, 100, 10])).toBe(2110);
    expect(new MLP({ unitsPerLayer: [10, 100, 1], intercept: "none" }).countParameters()).toBe(1100);
    expect(new MLP({ unitsPerLayer: [10, 100, 10], intercept: "bias" }).countParameters()).toBe(2110);
    expect(new MLP({ unitsPerLayer: [10, 100, 10], intercept: "ones_column" }).countParameters()).toBe(2110);
  });
});
