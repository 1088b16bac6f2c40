// Bad input gets a clear error (a ShapeError or RangeError whose message
// names the problem), never a silent NaN.
import { describe, expect, it } from "vitest";
import { MLP, Matrix, ShapeError, countParameters, getLoss, type LossName } from "nnlab";

const net = () => new MLP({ unitsPerLayer: [3, 4, 2], seed: 1 });
const X = Matrix.fromRows([[1, 2, 3], [4, 5, 6]]);

describe("shape mismatch", () => {
  it("X with the wrong number of columns", () => {
    expect(() => net().forward(Matrix.zeros(2, 4))).toThrow(ShapeError);
    expect(() => net().forward(Matrix.zeros(2, 4))).toThrow(/X is 2×4 but the network expects 3 input columns/);
  });

  it("labels with the wrong number of rows or columns", () => {
    expect(() => net().lossAndGradients(X, Matrix.column([0, 1, 1]), "softmax_cross_entropy")).toThrow(ShapeError);
    expect(() => net().lossAndGradients(X, Matrix.column([0, 1, 1]), "softmax_cross_entropy")).toThrow(/softmax_cross_entropy: labels y are 3×1 but the output is 2×2/);
    expect(() => net().lossAndGradients(X, Matrix.zeros(2, 3), "square_loss")).toThrow(/square_loss: labels y are 2×3/);
    expect(() => getLoss("logistic_loss").value(Matrix.zeros(2, 2), Matrix.column([1, -1]))).toThrow(/needs one output unit/);
  });

  it("explicit weights, biases or gradients of the wrong shape", () => {
    expect(() => new MLP({ unitsPerLayer: [2, 2, 1], weights: [[[1, 2]], [[1], [1]]] })).toThrow(/weights\[0\] is 1×2 but W\(1\) must be 2×2/);
    expect(() => new MLP({ unitsPerLayer: [2, 2, 1], weights: [[[1, 2], [3, 4]]] })).toThrow(/weights must list 2 matrices/);
    expect(() => new MLP({ unitsPerLayer: [2, 2, 1], biases: [[0, 0], [0, 0]] })).toThrow(/biases\[1\] must have 1 values/);
    const m = net();
    expect(() => m.backward(m.forward(X), Matrix.zeros(2, 3))).toThrow(/gradOutput is 2×3 but the output is 2×2/);
    expect(() => m.setParameters(m.getParameters().map(() => Matrix.zeros(1, 1)))).toThrow(/parameter 0 is 3×4, got 1×1/);
  });
});

describe("NaN or Infinity", () => {
  it("in the input X", () => {
    expect(() => net().forward(Matrix.fromRows([[1, NaN, 3]]))).toThrow(RangeError);
    expect(() => net().forward(Matrix.fromRows([[1, NaN, 3]]))).toThrow(/MLP input X has a non-finite value NaN at \(0, 1\)/);
    expect(() => net().predict(Matrix.fromRows([[Infinity, 0, 3]]))).toThrow(/non-finite value Infinity/);
  });

  it("in the labels or the scores given to a loss", () => {
    expect(() => net().lossAndGradients(X, Matrix.fromRows([[0, NaN], [1, 1]]), "square_loss")).toThrow(/square_loss: labels y has a non-finite value NaN/);
    expect(() => getLoss("bce_with_logits").gradient(Matrix.column([NaN]), Matrix.column([1]))).toThrow(/bce_with_logits: output has a non-finite value/);
    expect(() => getLoss("logistic_loss").value(Matrix.column([-Infinity]), Matrix.column([1]))).toThrow(RangeError);
  });

  it("in explicit weights", () => {
    expect(() => new MLP({ unitsPerLayer: [1, 1], weights: [[[NaN]]] })).toThrow(/weights\[0\] has a non-finite value/);
  });
});

describe("labels outside each loss's coding", () => {
  const cases: [LossName, number, RegExp][] = [
    ["logistic_loss", 0, /logistic_loss: label 0 in row 1 is outside the coding \(y N×1 with values −1 or 1\)/],
    ["logistic_loss", 2, /label 2/],
    ["bce_with_logits", -1, /bce_with_logits: label -1 in row 1 is outside the coding \(y N×1 with values 0 or 1\)/],
    ["bce_with_logits", 0.5, /label 0.5/],
    ["softmax_cross_entropy", 3, /softmax_cross_entropy: label 3 in row 1 is outside the coding \(y N×1 of integer class indices 0..C−1/],
    ["softmax_cross_entropy", -1, /label -1/],
    ["softmax_cross_entropy", 1.5, /label 1.5/],
  ];
  for (const [loss, bad, message] of cases) {
    it(`${loss} rejects ${bad}`, () => {
      const k = loss === "softmax_cross_entropy" ? 3 : 1;
      const out = Matrix.zeros(2, k);
      const good = loss === "logistic_loss" ? 1 : 0;
      const y = Matrix.column([good, bad]);
      expect(() => getLoss(loss).value(out, y)).toThrow(RangeError);
      expect(() => getLoss(loss).value(out, y)).toThrow(message);
      expect(() => getLoss(loss).gradient(out, y)).toThrow(message);
    });
  }
});

describe("empty batch", () => {
  it("a loss on 0 rows and lossAndGradients on an empty X", () => {
    for (const loss of ["square_loss", "logistic_loss", "bce_with_logits", "softmax_cross_entropy"] as LossName[]) {
      expect(() => getLoss(loss).value(Matrix.zeros(0, 1), Matrix.zeros(0, 1))).toThrow(/empty batch/);
    }
    expect(() => net().lossAndGradients(Matrix.zeros(0, 3), Matrix.zeros(0, 1), "softmax_cross_entropy")).toThrow(/empty batch \(X has 0 rows\)/);
  });
});

describe("bad architecture and options", () => {
  it("a layer with 0 units, non-integer units, or fewer than two layers", () => {
    expect(() => new MLP({ unitsPerLayer: [3, 0, 1] })).toThrow(/layer 1 must have a positive integer number of units, got 0/);
    expect(() => new MLP({ unitsPerLayer: [3, 2.5, 1] })).toThrow(/layer 1 .* got 2.5/);
    expect(() => new MLP({ unitsPerLayer: [0, 1] })).toThrow(/layer 0/);
    expect(() => new MLP({ unitsPerLayer: [3] })).toThrow(/at least two layer sizes/);
    expect(() => countParameters([3, 0, 1])).toThrow(/layer 1/);
  });

  it("unknown activation, intercept, initialisation, loss or reduction", () => {
    expect(() => new MLP({ unitsPerLayer: [2, 1], hiddenActivation: "gelu" as never })).toThrow(/unknown activation "gelu"/);
    expect(() => new MLP({ unitsPerLayer: [2, 1], intercept: "both" as never })).toThrow(/intercept must be one of bias, ones_column, none/);
    expect(() => new MLP({ unitsPerLayer: [2, 1], init: "glorot" as never })).toThrow(/unknown initialisation "glorot"/);
    expect(() => net().lossAndGradients(X, Matrix.column([0, 1]), "hinge" as never)).toThrow(/unknown loss "hinge"/);
    expect(() => net().lossAndGradients(X, Matrix.column([0, 1]), "softmax_cross_entropy", "avg" as never)).toThrow(/reduction must be "mean" or "sum"/);
    expect(() => new MLP({ unitsPerLayer: [2, 1], intercept: "none", biases: [[0]] })).toThrow(/biases were given but intercept is "none"/);
  });
});
