// Batch normalisation: the forward pass standardises each column, and the
// backward pass agrees with finite differences (float64) and with tfjs's
// automatic differentiation of the same formula (float32).
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { BatchNorm, Matrix, Rng, batchNormBackward, batchNormForward, columnMeanAndVariance, loadBackend, numericalGradient } from "nnlab";

const rng = new Rng(7);
const A = Matrix.fromFunction(6, 3, (_i, j) => rng.normal(2 * j - 1, 1 + j)); // columns on different scales
const G = Matrix.fromFunction(6, 3, () => rng.normal()); // an arbitrary upstream gradient ∇Y J
const gamma = Matrix.row([1.5, -0.5, 2]);
const beta = Matrix.row([0.1, 0.2, -0.3]);

/** J = Σ G ⊙ Y, so that ∇Y J = G exactly. */
const objective = (a: Matrix, g: Matrix, b: Matrix) => {
  const Y = batchNormForward(a, g, b).Y;
  return Y.data.reduce((s, y, k) => s + y * G.data[k], 0);
};

beforeAll(async () => {
  await loadBackend(undefined, { quiet: true });
});

describe("batchNormForward", () => {
  it("gives every column mean 0 and variance 1 before γ and β", () => {
    const { Y } = batchNormForward(A, Matrix.ones(1, 3), Matrix.zeros(1, 3), 0);
    const { mean, variance } = columnMeanAndVariance(Y);
    for (let j = 0; j < 3; j++) {
      expect(mean.data[j]).toBeCloseTo(0, 12);
      expect(variance.data[j]).toBeCloseTo(1, 12);
    }
  });

  it("then scales by γ and shifts by β", () => {
    const plain = batchNormForward(A, Matrix.ones(1, 3), Matrix.zeros(1, 3)).Y;
    const Y = batchNormForward(A, gamma, beta).Y;
    for (let i = 0; i < 6; i++) for (let j = 0; j < 3; j++) expect(Y.get(i, j)).toBeCloseTo(gamma.data[j] * plain.get(i, j) + beta.data[j], 12);
  });

  it("rejects bad input with a clear message", () => {
    expect(() => batchNormForward(A, Matrix.ones(1, 2), beta)).toThrow(/γ \(gamma\) must be 1×3/);
    expect(() => batchNormForward(A.selectRows([0]), gamma, beta)).toThrow(/at least 2 rows/);
    expect(() => new BatchNorm(0)).toThrow(/positive integer/);
    expect(() => new BatchNorm(3).backward(G)).toThrow(/forward/);
  });
});

describe("batchNormBackward", () => {
  const { cache } = batchNormForward(A, gamma, beta);
  const grads = batchNormBackward(G, gamma, cache);

  it("matches central finite differences for A, γ and β", () => {
    const a = A.clone(), g = gamma.clone(), b = beta.clone();
    const [numA, numGamma, numBeta] = numericalGradient(() => objective(a, g, b), [a, g, b]);
    for (const [mine, numeric] of [[grads.gradA, numA], [grads.gradGamma, numGamma], [grads.gradBeta, numBeta]]) {
      for (let k = 0; k < mine.size; k++) expect(mine.data[k]).toBeCloseTo(numeric.data[k], 6);
    }
  });

  it("gives ∇A J whose columns sum to 0 (shifting a whole column changes nothing)", () => {
    const sums = columnMeanAndVariance(grads.gradA).mean;
    for (let j = 0; j < 3; j++) expect(Math.abs(sums.data[j])).toBeLessThan(1e-12);
  });

  it("matches tfjs's gradient of the same formula", () => {
    const [tA, tGamma, tBeta] = tf.tidy(() => {
      const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, 0, true);
        const y = tf.add(tf.mul(g, tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5)))), b);
        return tf.sum(tf.mul(y, tf.tensor2d(G.toArray())));
      };
      return tf.grads(f)([tf.tensor2d(A.toArray()), tf.tensor2d(gamma.toArray()), tf.tensor2d(beta.toArray())]).map((t) => t.arraySync() as number[][]);
    });
    const pairs: [Matrix, number[][]][] = [[grads.gradA, tA], [grads.gradGamma, tGamma], [grads.gradBeta, tBeta]];
    for (const [mine, theirs] of pairs) {
      const flat = theirs.flat();
      const scale = Math.max(...flat.map(Math.abs));
      for (let k = 0; k < mine.size; k++) expect(Math.abs(mine.data[k] - flat[k]) / scale).toBeLessThan(1e-4);
    }
  });
});

describe("BatchNorm layer", () => {
  it("moves the running averages towards the batch statistics in training mode", () => {
    const layer = new BatchNorm(3, { momentum: 0.5 });
    layer.forward(A, "train");
    const { mean, variance } = columnMeanAndVariance(A);
    for (let j = 0; j < 3; j++) {
      expect(layer.runningMean.data[j]).toBeCloseTo(0.5 * mean.data[j], 12);
      expect(layer.runningVariance.data[j]).toBeCloseTo(0.5 + 0.5 * variance.data[j], 12);
    }
  });

  it("in evaluation mode normalises each row alone with the running averages", () => {
    const layer = new BatchNorm(3);
    for (let t = 0; t < 200; t++) layer.forward(A, "train"); // the averages converge to A's statistics
    const batch = layer.forward(A, "eval");
    const oneRow = layer.forward(A.selectRows([2]), "eval");
    for (let j = 0; j < 3; j++) expect(oneRow.get(0, j)).toBeCloseTo(batch.get(2, j), 12);
    const trainMode = batchNormForward(A, layer.gamma, layer.beta).Y;
    for (let k = 0; k < A.size; k++) expect(batch.data[k]).toBeCloseTo(trainMode.data[k], 6);
  });

  it("its backward pass is batchNormBackward of the last training batch", () => {
    const layer = new BatchNorm(3);
    layer.gamma.data.set(gamma.data);
    layer.beta.data.set(beta.data);
    layer.forward(A, "train");
    const viaLayer = layer.backward(G);
    const direct = batchNormBackward(G, gamma, batchNormForward(A, gamma, beta).cache);
    expect(Array.from(viaLayer.gradA.data)).toEqual(Array.from(direct.gradA.data));
    expect(layer.parameters()).toEqual([layer.gamma, layer.beta]);
  });
});
