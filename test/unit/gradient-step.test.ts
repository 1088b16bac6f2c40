// The lecture's computation exercise (gradient descent learning):
// v = [−2, 1], α = 0.5, per-observation gradients computed once at that v:
//   g1 = [−1, 1], g2 = [−2, 2], g3 = [−3, 2], g4 = [−1, 2].
// The slide says L is the TOTAL loss ("sum"); the algorithm slides use the
// mean over the batch ("mean"). Expected values are worked out by hand below.
import { describe, expect, it } from "vitest";
import {
  Matrix,
  ShapeError,
  consecutiveBatches,
  descentSteps,
  fullBatchStep,
  gradientStep,
  minibatchSteps,
  stochasticSteps,
} from "nnlab";

const v0 = [-2, 1];
const grads = [
  [-1, 1],
  [-2, 2],
  [-3, 2],
  [-1, 2],
];
const lr = 0.5;

function expectVectors(actual: number[][], expected: number[][]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, s) => v.forEach((x, k) => expect(x).toBeCloseTo(expected[s][k], 12)));
}

describe("gradientStep", () => {
  it("moves against the gradient by lr times its length", () => {
    // [−2, 1] − 0.5·[−1, 1] = [−1.5, 0.5]
    expect(gradientStep(v0, grads[0], lr)).toEqual([-1.5, 0.5]);
    const W = Matrix.fromRows([[1, 2], [3, 4]]);
    const G = Matrix.fromRows([[2, 0], [-2, 4]]);
    // W − 0.5·G = [[0, 2], [4, 2]]; W itself is untouched
    expect(gradientStep(W, G, lr).toArray()).toEqual([[0, 2], [4, 2]]);
    expect(W.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it("rejects a learning rate ≤ 0 and mismatched shapes", () => {
    expect(() => gradientStep(v0, grads[0], 0)).toThrow(/learning rate must be a finite number > 0, got 0/);
    expect(() => gradientStep(v0, grads[0], -0.1)).toThrow(RangeError);
    expect(() => gradientStep(v0, grads[0], NaN)).toThrow(/learning rate/);
    expect(() => gradientStep(v0, [1, 2, 3], lr)).toThrow(ShapeError);
    expect(() => gradientStep(Matrix.zeros(2, 2), Matrix.zeros(2, 3), lr)).toThrow(/2×2 but the gradient is 2×3/);
  });
});

describe("the computation exercise, sum convention (L is the total loss)", () => {
  it("full gradient: one step", () => {
    // Σ g = [−7, 7]; v = [−2, 1] − 0.5·[−7, 7] = [1.5, −2.5]
    expectVectors([fullBatchStep(v0, grads, { lr, convention: "sum" })], [[1.5, -2.5]]);
  });

  it("batch size 2, batches {1,2} then {3,4}: two steps", () => {
    // batch 1: g1 + g2 = [−3, 3] → v = [−2 + 1.5, 1 − 1.5] = [−0.5, −0.5]
    // batch 2: g3 + g4 = [−4, 4] → v = [−0.5 + 2, −0.5 − 2] = [1.5, −2.5]
    const expected = [[-0.5, -0.5], [1.5, -2.5]];
    expectVectors(minibatchSteps(v0, grads, { lr, convention: "sum", batchSize: 2 }), expected);
    expectVectors(minibatchSteps(v0, grads, { lr, convention: "sum", batches: [[0, 1], [2, 3]] }), expected);
  });

  it("stochastic, observations 1, 2, 3, 4: four steps", () => {
    // [−2, 1] −0.5·[−1,1] → [−1.5, 0.5] −0.5·[−2,2] → [−0.5, −0.5]
    //         −0.5·[−3,2] → [1, −1.5]   −0.5·[−1,2] → [1.5, −2.5]
    expectVectors(stochasticSteps(v0, grads, { lr, convention: "sum" }), [
      [-1.5, 0.5],
      [-0.5, -0.5],
      [1, -1.5],
      [1.5, -2.5],
    ]);
  });
});

describe("the computation exercise, mean convention (L is the mean loss)", () => {
  it("full gradient: one step", () => {
    // mean g = [−7, 7]/4 = [−1.75, 1.75]; v = [−2 + 0.875, 1 − 0.875] = [−1.125, 0.125]
    expectVectors([fullBatchStep(v0, grads, { lr, convention: "mean" })], [[-1.125, 0.125]]);
  });

  it("batch size 2, batches {1,2} then {3,4}: two steps", () => {
    // batch 1: mean(g1, g2) = [−1.5, 1.5] → v = [−2 + 0.75, 1 − 0.75] = [−1.25, 0.25]
    // batch 2: mean(g3, g4) = [−2, 2]     → v = [−1.25 + 1, 0.25 − 1] = [−0.25, −0.75]
    expectVectors(minibatchSteps(v0, grads, { lr, convention: "mean", batchSize: 2 }), [
      [-1.25, 0.25],
      [-0.25, -0.75],
    ]);
  });

  it("stochastic: a batch of one is the same under both conventions", () => {
    expectVectors(
      stochasticSteps(v0, grads, { lr, convention: "mean" }),
      stochasticSteps(v0, grads, { lr, convention: "sum" }),
    );
  });
});

describe("descentSteps", () => {
  it("follows the given order and batches", () => {
    // order 4, 3: [−2, 1] − 0.5·[−1, 2] = [−1.5, 0]; − 0.5·[−3, 2] = [0, −1]
    expectVectors(stochasticSteps(v0, grads, { lr, order: [3, 2] }), [[-1.5, 0], [0, -1]]);
    // uneven batches {1,2,3}, {4} with the mean: mean(g1, g2, g3) = [−2, 5/3]
    // → v = [−2 + 1, 1 − 5/6] = [−1, 1/6]; then g4 → [−1 + 0.5, 1/6 − 1] = [−0.5, −5/6]
    expectVectors(descentSteps(v0, grads, { lr, convention: "mean", batches: [[0, 1, 2], [3]] }), [
      [-1, 1 / 6],
      [-0.5, -5 / 6],
    ]);
    expect(consecutiveBatches(5, 2)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it("gives clear errors for bad input", () => {
    expect(() => descentSteps(v0, grads, { lr, convention: "sum", batches: [[0, 4]] })).toThrow(/observation 4/);
    expect(() => descentSteps(v0, grads, { lr, convention: "sum", batches: [[]] })).toThrow(/batch 0 is empty/);
    expect(() => descentSteps(v0, [[1, 2, 3]], { lr, convention: "sum", batches: [[0]] })).toThrow(ShapeError);
    expect(() => descentSteps(v0, grads, { lr: 0, convention: "sum", batches: [[0]] })).toThrow(/learning rate/);
    expect(() => minibatchSteps(v0, grads, { lr, convention: "sum", batchSize: 0 })).toThrow(/positive integer/);
    expect(() => minibatchSteps(v0, grads, { lr, convention: "sum", batchSize: 1.5 })).toThrow(/positive integer/);
    // @ts-expect-error: an unknown convention is a type error and a runtime error
    expect(() => fullBatchStep(v0, grads, { lr, convention: "avg" })).toThrow(/"sum" or "mean"/);
  });
});
