// The tfjs bridge: backend choice, Matrix ↔ tensor, the tfjs twin and the
// gradient check. Everything that computes with tfjs runs once per backend of
// comparisonBackends() (tensorflow and wasm; test/helpers/tfjs-backends.ts).
import { describe, expect, it } from "vitest";
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
import { backendFromEnv } from "../../lib/tfjs/backend";
import { forEachBackend, inCI } from "../helpers/tfjs-backends";

const randomMatrix = (rng: Rng, rows: number, cols: number) => Matrix.fromFunction(rows, cols, () => rng.normal());

describe("loadBackend", async () => {
  // The default choice, made before anything else in this file asks for a backend.
  const chosen = await loadBackend(undefined, { quiet: true });
  const chosenMessage = backendMessage();
  const chosenReasons = backendFallbackReasons();

  it("activates the fastest backend that starts, and says which and why", () => {
    expect(["tensorflow", "wasm", "cpu"]).toContain(chosen);
    const forced = backendFromEnv();
    if (forced) {
      expect(chosen).toBe(forced); // NNLAB_TFJS_BACKEND puts its backend first
    } else if (inCI()) {
      // CI runs `npm run setup:tfjs-node`: the native backend must be the one chosen.
      expect(chosen, `tfjs-node should start in CI: ${chosenReasons.join("; ")}`).toBe("tensorflow");
    }
    if (chosen === "tensorflow") {
      expect(chosenMessage).toBe("nnlab: TensorFlow.js backend = tensorflow");
      expect(chosenReasons).toEqual([]);
    } else if (!forced) {
      // The logged line names what was skipped; backendFallbackReasons() says why.
      expect(chosenMessage).toMatch(new RegExp(`^nnlab: TensorFlow.js backend = ${chosen} \\(tfjs-node unavailable\\)$`));
      expect(chosenReasons[0]).toMatch(/tfjs-node/);
    }
  });

  it("is idempotent, and re-selects its backend if tfjs was switched behind its back", async () => {
    const current = await loadBackend(chosen, { quiet: true });
    expect(current).toBe(chosen);
    expect(await loadBackend(undefined, { quiet: true })).toBe(chosen);
    expect(activeBackend()).toBe(chosen);
    await tfjs().setBackend("cpu");
    expect(await loadBackend(undefined, { quiet: true })).toBe(chosen);
    expect(tfjs().getBackend()).toBe(chosen);
  });

  it("switches to a preferred backend and back, and rejects unknown names", async () => {
    expect(await loadBackend("cpu", { quiet: true })).toBe("cpu");
    expect(tfjs().getBackend()).toBe("cpu");
    expect(backendMessage()).toBe("nnlab: TensorFlow.js backend = cpu");
    expect(await loadBackend(chosen, { quiet: true })).toBe(chosen);
    await expect(loadBackend("gpu" as "cpu")).rejects.toThrow(/unknown backend "gpu"/);
  });

  it("withBackend switches temporarily", async () => {
    const inside = await withBackend("cpu", () => tfjs().getBackend());
    expect(inside).toBe("cpu");
    expect(tfjs().getBackend()).toBe(chosen);
  });

  it("reads NNLAB_TFJS_BACKEND, and says clearly when it names no backend", () => {
    expect(backendFromEnv({})).toBeUndefined();
    expect(backendFromEnv({ NNLAB_TFJS_BACKEND: " wasm " })).toBe("wasm");
    expect(() => backendFromEnv({ NNLAB_TFJS_BACKEND: "webgl" })).toThrow(/NNLAB_TFJS_BACKEND="webgl" is not a TensorFlow.js backend; use one of tensorflow, wasm, cpu/);
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

forEachBackend((name) => {
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
      twin.loss(X, y, "softmax_cross_entropy");
      twin.gradients(X, y, "softmax_cross_entropy");
      twin.gradientsByGrads(X, y, "softmax_cross_entropy", "sum");
      expect(tfjs().memory().numTensors).toBe(before);
      twin.dispose();
    });

    it("rejects bad input with clear errors", () => {
      const mlp = new MLP({ unitsPerLayer: [2, 3, 1], seed: 0 });
      const twin = tfjsTwin(mlp);
      const X = Matrix.zeros(4, 2);
      expect(() => twin.loss(Matrix.zeros(4, 3), Matrix.column([1, 1, -1, 1]), "logistic_loss")).toThrow(ShapeError);
      expect(() => twin.loss(X, Matrix.column([1, 0, -1, 1]), "logistic_loss")).toThrow(/label 0 in row 1/);
      expect(() => twin.loss(X, Matrix.column([1, 0, 2, 1]), "bce_with_logits")).toThrow(/label 2 in row 2 is outside the coding \(y N×1 with values 0 or 1\)/);
      expect(() => twin.loss(Matrix.zeros(0, 2), Matrix.zeros(0, 1), "square_loss")).toThrow(/empty batch/);
      expect(() => twin.loss(X, Matrix.column([NaN, 0, 0, 0]), "square_loss")).toThrow(/non-finite/);
      expect(() => twin.loss(X, Matrix.column([1, 1, 1, 1]), "hinge" as "square_loss")).toThrow(/unknown loss "hinge"/);
      twin.dispose();
    });
  });

  describe("checkAgainstTfjs", () => {
    it("redoes the comparison on cpu when the active backend lacks a kernel", async () => {
      const tf = tfjs();
      const rng = new Rng(5);
      const mlp = new MLP({ unitsPerLayer: [3, 4, 1], hiddenActivation: "relu", seed: 4 });
      const X = randomMatrix(rng, 6, 3), y = Matrix.column([1, -1, 1, 1, -1, -1]);
      const cpuOnly = name === "cpu";
      // relu's gradient uses the Step kernel: take it away from the active backend for this test.
      const step = tf.getKernel("Step", name);
      if (!cpuOnly) expect(step, `${name} registers the Step kernel`).toBeDefined();
      if (!cpuOnly && step) tf.unregisterKernel("Step", name);
      try {
        const result = await checkAgainstTfjs(mlp, X, y, "logistic_loss");
        if (!cpuOnly) {
          expect(result.backend).toBe("cpu");
          expect(result.fallback).toMatch(/lacks a kernel .*Step.*compared on cpu/);
        }
        expect(result.comparison.maxRel).toBeLessThanOrEqual(1e-4);
      } finally {
        if (!cpuOnly && step) tf.registerKernel(step);
      }
      expect(tf.getBackend()).toBe(name);
      const again = await checkAgainstTfjs(mlp, X, y, "logistic_loss");
      expect(again.backend).toBe(name);
      expect(again.fallback).toBeUndefined();
    });
  });
});
