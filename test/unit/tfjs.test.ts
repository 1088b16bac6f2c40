import { beforeAll, describe, expect, it } from "vitest";
import {
  MLP,
  Matrix,
  Rng,
  ShapeError,
  activeBackend,
  backendFallbackReasons,
  backendMessage,
  checkAgainstTfjs,
  compareGradients,
  fromTensor,
  gradientDifference,
  loadBackend,
  tfjs,
  tfjsTwin,
  toTensor,
  withBackend,
} from "nnlab";

const randomMatrix = (rng: Rng, rows: number, cols: number) => Matrix.fromFunction(rows, cols, () => rng.normal());

let backend: string;
beforeAll(async () => {
  backend = await loadBackend(undefined, { quiet: true });
});

describe("loadBackend", () => {
  it("activates a backend, reports it, and is idempotent", async () => {
    expect(["tensorflow", "wasm", "cpu"]).toContain(backend);
    expect(activeBackend()).toBe(backend);
    expect(tfjs().getBackend()).toBe(backend);
    expect(backendMessage()).toMatch(new RegExp(`^nnlab: TensorFlow.js backend = ${backend}`));
    // tfjs-node cannot be installed in this environment: the message must say why it was skipped.
    if (backend !== "tensorflow") {
      expect(backendMessage()).toMatch(/\(tfjs-node unavailable\)$/);
      expect(backendFallbackReasons()[0]).toMatch(/tfjs-node/);
    }
    expect(await loadBackend(undefined, { quiet: true })).toBe(backend);
    // A later call re-selects the chosen backend if tfjs was switched behind its back.
    await tfjs().setBackend("cpu");
    expect(await loadBackend(undefined, { quiet: true })).toBe(backend);
    expect(tfjs().getBackend()).toBe(backend);
  });

  it("falls back past a backend that is not available and restores the active one", async () => {
    expect(await loadBackend("cpu", { quiet: true })).toBe("cpu");
    expect(tfjs().getBackend()).toBe("cpu");
    expect(await loadBackend(backend as "wasm", { quiet: true })).toBe(backend);
    await expect(loadBackend("gpu" as "cpu")).rejects.toThrow(/unknown backend "gpu"/);
  });

  it("withBackend switches temporarily", async () => {
    const inside = await withBackend("cpu", () => tfjs().getBackend());
    expect(inside).toBe("cpu");
    expect(tfjs().getBackend()).toBe(backend);
  });
});

describe("Matrix ↔ tensor", () => {
  it("round-trips values and shapes (float32 rounding only)", () => {
    const m = Matrix.fromRows([[1.5, -2, 1e-3], [0, 7.25, -1 / 3]]);
    const t = toTensor(m);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe("float32");
    const back = fromTensor(t);
    t.dispose();
    expect(back.shape).toEqual([2, 3]);
    expect(back.toArray()[0]).toEqual([1.5, -2, Math.fround(1e-3)]);
    expect(back.get(1, 2)).toBe(Math.fround(-1 / 3));
  });

  it("converts labels to int32 and rejects non-integers", () => {
    const t = toTensor(Matrix.column([0, 2, 1]), "int32");
    expect(t.dtype).toBe("int32");
    expect(Array.from(t.dataSync())).toEqual([0, 2, 1]);
    t.dispose();
    expect(() => toTensor(Matrix.column([0, 1.5]), "int32")).toThrow(/int32 needs integers/);
  });

  it("reads scalars and 1-D tensors as 1×1 and n×1, and refuses rank 3", () => {
    const tf = tfjs();
    const s = tf.scalar(3), v = tf.tensor1d([1, 2, 3]), c = tf.zeros([2, 2, 2]);
    expect(fromTensor(s).shape).toEqual([1, 1]);
    expect(fromTensor(v).toArray()).toEqual([[1], [2], [3]]);
    expect(() => fromTensor(c)).toThrow(/rank ≤ 2/);
    [s, v, c].forEach((t) => t.dispose());
  });
});

describe("tfjs twin", () => {
  it("computes the same outputs as the MLP, for each intercept mode", () => {
    const rng = new Rng(3);
    const X = randomMatrix(rng, 5, 3);
    for (const intercept of ["bias", "ones_column", "none"] as const) {
      const mlp = new MLP({ unitsPerLayer: [3, 4, 2], hiddenActivation: "tanh", intercept, seed: 1 });
      mlp.setParameters(mlp.getParameters().map((p) => randomMatrix(rng, p.rows, p.cols)));
      const twin = tfjsTwin(mlp);
      const out = twin.forward(X);
      expect(out.shape).toEqual([5, 2]);
      const hand = mlp.decisionFunction(X);
      for (let k = 0; k < hand.size; k++) expect(out.data[k]).toBeCloseTo(hand.data[k], 5);
      expect(twin.getParameters().map((p) => p.shape)).toEqual(mlp.getParameters().map((p) => p.shape));
      twin.dispose();
    }
  });

  it("follows the MLP after copyFrom and frees its variables on dispose", () => {
    const mlp = new MLP({ unitsPerLayer: [2, 3, 1], seed: 0 });
    const twin = tfjsTwin(mlp);
    mlp.weights[0].set(0, 0, 42);
    expect(twin.getParameters()[0].get(0, 0)).not.toBe(42);
    twin.copyFrom(mlp);
    expect(twin.getParameters()[0].get(0, 0)).toBe(42);
    const before = tfjs().memory().numTensors;
    twin.dispose();
    expect(tfjs().memory().numTensors).toBe(before - mlp.getParameters().length);
  });

  it("does not leak tensors while computing losses and gradients", () => {
    const rng = new Rng(9);
    const mlp = new MLP({ unitsPerLayer: [3, 4, 3], seed: 2 });
    const twin = tfjsTwin(mlp);
    const X = randomMatrix(rng, 6, 3), y = Matrix.column([0, 1, 2, 2, 1, 0]);
    const before = tfjs().memory().numTensors;
    twin.forward(X);
    twin.loss(X, y, "softmax_ce");
    twin.gradients(X, y, "softmax_ce");
    twin.gradientsByGrads(X, y, "softmax_ce", "sum");
    expect(tfjs().memory().numTensors).toBe(before);
    twin.dispose();
  });

  it("rejects bad input with clear errors", () => {
    const mlp = new MLP({ unitsPerLayer: [2, 3, 1], seed: 0 });
    const twin = tfjsTwin(mlp);
    const X = Matrix.zeros(4, 2);
    expect(() => twin.loss(Matrix.zeros(4, 3), Matrix.column([1, 1, -1, 1]), "logistic")).toThrow(ShapeError);
    expect(() => twin.loss(X, Matrix.column([1, 0, -1, 1]), "logistic")).toThrow(/label 0 in row 1/);
    expect(() => twin.loss(X, Matrix.column([1, 0, 2, 1]), "bce_logits")).toThrow(/outside the loss's coding/);
    expect(() => twin.loss(Matrix.zeros(0, 2), Matrix.zeros(0, 1), "square")).toThrow(/empty batch/);
    expect(() => twin.loss(X, Matrix.column([NaN, 0, 0, 0]), "square")).toThrow(/non-finite/);
    expect(() => twin.loss(X, Matrix.column([1, 1, 1, 1]), "hinge" as "square")).toThrow(/unknown loss "hinge"/);
    twin.dispose();
  });
});

describe("compareGradients", () => {
  it("reports per-parameter and overall differences, relative to the gradient's norm", () => {
    const a = { weights: [Matrix.fromRows([[3, 4]])], biases: [Matrix.row([0, 0])] };
    const b = { weights: [Matrix.fromRows([[3, 4.5]])], biases: [Matrix.row([0, 0])] };
    const c = compareGradients(a, b);
    expect(c.parameters.map((p) => p.name)).toEqual(["W(1)", "b(1)"]);
    expect(c.parameters[0].maxAbs).toBeCloseTo(0.5, 12);
    expect(c.parameters[0].maxRel).toBeCloseTo(0.5 / Math.hypot(3, 4.5), 12);
    expect(c.parameters[1]).toEqual({ name: "b(1)", maxAbs: 0, maxRel: 0 }); // all-zero gradients: 0, not 0/0
    expect(c.maxAbs).toBeCloseTo(0.5, 12);
    expect(gradientDifference(Matrix.row([1, NaN]), Matrix.row([1, 2])).maxRel).toBeNaN();
    expect(() => compareGradients(a, { weights: [], biases: [] })).toThrow(/1 weights gradients against 0/);
  });
});

describe("checkAgainstTfjs", () => {
  it("redoes the comparison on cpu when the active backend lacks a kernel", async () => {
    const tf = tfjs();
    const rng = new Rng(5);
    const mlp = new MLP({ unitsPerLayer: [3, 4, 1], hiddenActivation: "relu", seed: 4 });
    const X = randomMatrix(rng, 6, 3), y = Matrix.column([1, -1, 1, 1, -1, -1]);
    const cpuOnly = backend === "cpu";
    // relu's gradient uses the Step kernel: take it away from the active backend for this test.
    const step = tf.getKernel("Step", backend);
    if (!cpuOnly && step) tf.unregisterKernel("Step", backend);
    try {
      const result = await checkAgainstTfjs(mlp, X, y, "logistic");
      if (!cpuOnly) {
        expect(result.backend).toBe("cpu");
        expect(result.fallback).toMatch(/lacks a kernel .*Step.*compared on cpu/);
      }
      expect(result.comparison.maxRel).toBeLessThanOrEqual(1e-4);
    } finally {
      if (!cpuOnly && step) tf.registerKernel(step);
    }
    expect(tf.getBackend()).toBe(backend);
    const again = await checkAgainstTfjs(mlp, X, y, "logistic");
    expect(again.backend).toBe(backend);
    expect(again.fallback).toBeUndefined();
  });
});
