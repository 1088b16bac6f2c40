// Acceptance: hand-coded backprop (float64) agrees with tfjs's automatic
// differentiation (float32) to a relative error ≤ 1e-4 — over randomised
// networks: 0–3 hidden layers, every hidden activation, every loss, batch
// size 1 and > 1, every intercept mode, both reductions.
// Relative error per parameter = max |hand − tfjs| / max(‖hand‖₂, ‖tfjs‖₂)
// (compareGradients; the file comment of lib/tfjs/compare.ts says why).
import { describe, expect, it } from "vitest";
import { ActivationName, InterceptMode, LossName, MLP, Matrix, Reduction, Rng, checkAgainstTfjs } from "nnlab";
import { forEachBackend } from "../helpers/tfjs-backends";

const activationNames: ActivationName[] = ["identity", "relu", "sigmoid", "tanh"];
const lossNames: LossName[] = ["square_loss", "logistic_loss", "bce_with_logits", "softmax_cross_entropy"];
const interceptModes: InterceptMode[] = ["bias", "ones_column", "none"];

interface Case {
  name: string;
  hidden: number;
  activation: ActivationName;
  loss: LossName;
  batch: number;
  intercept: InterceptMode;
  reduction: Reduction;
  seed: number;
}

/** Every combination; with no hidden layer the activation is unused, so that case appears once. */
function cases(): Case[] {
  const out: Case[] = [];
  let seed = 100;
  for (const loss of lossNames) {
    for (let hidden = 0; hidden <= 3; hidden++) {
      for (const activation of hidden === 0 ? (["identity"] as ActivationName[]) : activationNames) {
        for (const batch of [1, 7]) {
          for (const intercept of interceptModes) {
            seed += 1;
            const reduction: Reduction = seed % 2 === 0 ? "mean" : "sum";
            const name = `${hidden} hidden ${hidden ? activation : ""} batch ${batch} ${intercept} ${reduction}`.replace(/\s+/g, " ");
            out.push({ name, hidden, activation, loss, batch, intercept, reduction, seed });
          }
        }
      }
    }
  }
  return out;
}

/** A random network of the case's shape with random (non-zero) weights and intercepts, and a random batch. */
function setup(c: Case): { mlp: MLP; X: Matrix; y: Matrix } {
  const rng = new Rng(c.seed);
  const d = 1 + rng.int(4);
  const outputs = c.loss === "square_loss" ? 1 + rng.int(3) : c.loss === "softmax_cross_entropy" ? 2 + rng.int(3) : 1;
  const units = [d, ...Array.from({ length: c.hidden }, () => 1 + rng.int(6)), outputs];
  const mlp = new MLP({ unitsPerLayer: units, hiddenActivation: c.activation, intercept: c.intercept, seed: c.seed });
  mlp.setParameters(mlp.getParameters().map((p) => Matrix.fromFunction(p.rows, p.cols, () => rng.normal(0, 0.8))));
  const X = Matrix.fromFunction(c.batch, d, () => rng.normal());
  keepScoresModerate(mlp, X);
  const label = (): number => {
    switch (c.loss) {
      case "logistic_loss": return rng.next() < 0.5 ? -1 : 1;
      case "bce_with_logits": return rng.int(2);
      case "softmax_cross_entropy": return rng.int(outputs);
      default: return rng.normal();
    }
  };
  const y = Matrix.fromFunction(c.batch, c.loss === "square_loss" ? outputs : 1, label);
  return { mlp, X, y };
}

/**
 * Scales the last layer so every output score is at most 2 in size. float32
 * cannot resolve a gradient that is the difference of two numbers of order 1
 * agreeing to 6 digits — a softmax 99.999% sure of the right class has
 * p − onehot ≈ 1e-5, known to only ~1e-7 absolute, i.e. 1% relative — so
 * comparing such a case would measure float32, not the backprop code.
 * (The output layer is the identity, so scaling W(L) and b(L) scales the scores.)
 */
function keepScoresModerate(mlp: MLP, X: Matrix): void {
  const largest = Math.max(...Array.from(mlp.decisionFunction(X).data, Math.abs));
  if (largest <= 2) return;
  const L = mlp.depth;
  const params = mlp.getParameters().map((p) => p.clone());
  const shrink = (m: Matrix) => m.data.forEach((v, k) => (m.data[k] = (v * 2) / largest));
  shrink(params[L - 1]); // W(L) (in "ones_column" mode its last row is the intercept)
  if (mlp.intercept === "bias") shrink(params[2 * L - 1]); // b(L)
  mlp.setParameters(params);
}

// Every case runs on each tfjs backend (tensorflow and wasm; test/helpers/tfjs-backends.ts).
forEachBackend((name) => {
  describe.each(lossNames)("hand-coded gradients agree with tfjs: %s loss", (loss) => {
    const mine = cases().filter((c) => c.loss === loss);

    it.each(mine)("$name", async (c) => {
      const { mlp, X, y } = setup(c);
      const result = await checkAgainstTfjs(mlp, X, y, c.loss, c.reduction);
      // Computed where asked: not redone on cpu for want of a kernel.
      expect(result.backend).toBe(name);
      const worst = result.comparison.parameters.find((p) => !(p.maxRel <= 1e-4));
      expect(worst, `worst parameter ${JSON.stringify(worst)} on ${result.backend}`).toBeUndefined();
      expect(Math.abs(result.loss.hand - result.loss.tfjs)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(result.loss.hand)));
      // tf.grads (parameters as explicit inputs) and tf.variableGrads must agree with each other too.
      expect(result.gradsVsVariableGrads.maxRel).toBeLessThanOrEqual(1e-6);
    });
  });
});

describe("the cases cover the acceptance grid", () => {
  it("has every hidden depth, activation, loss, batch size and intercept mode", () => {
    const all = cases();
    expect(new Set(all.map((c) => c.hidden))).toEqual(new Set([0, 1, 2, 3]));
    expect(new Set(all.map((c) => c.activation))).toEqual(new Set(activationNames));
    expect(new Set(all.map((c) => c.loss))).toEqual(new Set(lossNames));
    expect(new Set(all.map((c) => c.batch))).toEqual(new Set([1, 7]));
    expect(new Set(all.map((c) => c.intercept))).toEqual(new Set(interceptModes));
    expect(new Set(all.map((c) => c.reduction))).toEqual(new Set(["mean", "sum"]));
  });
});
