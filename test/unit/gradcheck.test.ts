import { describe, expect, it } from "vitest";
import {
  MLP, Matrix, Rng, getLoss, gradientsToList, maxRelativeError, numericalGradient, relativeError,
  type ActivationName, type InterceptMode, type LossName, type Reduction,
} from "nnlab";

describe("numericalGradient", () => {
  it("matches known gradients and restores every parameter exactly", () => {
    const rng = new Rng(1);
    const W = Matrix.fromFunction(3, 2, () => rng.normal());
    const v = Matrix.fromFunction(1, 4, () => rng.normal());
    const before = [Array.from(W.data), Array.from(v.data)];
    // f = Σ W² + 3·Σ v + Π of v's first two entries
    const f = () => W.data.reduce((s, x) => s + x * x, 0) + 3 * v.data.reduce((s, x) => s + x, 0) + v.data[0] * v.data[1];
    const [gW, gv] = numericalGradient(f, [W, v]);
    W.data.forEach((x, k) => expect(gW.data[k]).toBeCloseTo(2 * x, 8));
    expect(gv.data[0]).toBeCloseTo(3 + v.data[1], 8);
    expect(gv.data[1]).toBeCloseTo(3 + v.data[0], 8);
    expect(gv.data[2]).toBeCloseTo(3, 8);
    expect([Array.from(W.data), Array.from(v.data)]).toEqual(before);
  });

  it("rejects a non-positive step and a non-finite f", () => {
    const p = Matrix.row([1]);
    expect(() => numericalGradient(() => 0, [p], 0)).toThrow(/eps must be > 0/);
    expect(() => numericalGradient(() => (p.data[0] > 1 ? Infinity : 0), [p])).toThrow(/not finite/);
  });
});

describe("relativeError", () => {
  it("is max |a − b| over the largest magnitude in either", () => {
    const a = Matrix.row([1, -4, 0]);
    const b = Matrix.row([1.5, -4, 0.25]);
    expect(relativeError(a, b)).toBeCloseTo(0.5 / 4, 15);
    expect(relativeError(b, a)).toBeCloseTo(0.5 / 4, 15);
    expect(relativeError(Matrix.zeros(2, 2), Matrix.zeros(2, 2))).toBe(0);
    expect(maxRelativeError([a, Matrix.row([10])], [b, Matrix.row([10])])).toBeCloseTo(0.5 / 10, 15);
    expect(() => relativeError(a, Matrix.zeros(3, 1))).toThrow(/1×3 and 3×1/);
  });
});

// ---------------------------------------------------------------- acceptance sweep

const activationNames: ActivationName[] = ["identity", "relu", "sigmoid", "tanh"];
const lossNames: LossName[] = ["square_loss", "logistic_loss", "bce_with_logits", "softmax_cross_entropy"];
const interceptModes: InterceptMode[] = ["bias", "ones_column", "none"];

function outputUnits(loss: LossName, rng: Rng): number {
  if (loss === "logistic_loss" || loss === "bce_with_logits") return 1;
  return loss === "softmax_cross_entropy" ? 2 + rng.int(3) : 1 + rng.int(3);
}

function labels(loss: LossName, n: number, k: number, rng: Rng): Matrix {
  switch (loss) {
    case "square_loss": return Matrix.fromFunction(n, k, () => rng.normal());
    case "logistic_loss": return Matrix.fromFunction(n, 1, () => (rng.next() < 0.5 ? -1 : 1));
    case "bce_with_logits": return Matrix.fromFunction(n, 1, () => rng.int(2));
    case "softmax_cross_entropy": return Matrix.fromFunction(n, 1, () => rng.int(k));
  }
}

/**
 * How the hidden relu inputs sit: `nearKink` if some a is within 1e-3 of 0 (a
 * finite difference would straddle the kink), `allAlive` if every hidden layer
 * has a positive a somewhere (otherwise the gradients below it are all zero and
 * the case checks little). Exact zeros are skipped: they come from a fully dead
 * layer feeding a layer without intercept and stay exactly 0 under perturbation.
 */
function reluState(net: MLP, X: Matrix): { nearKink: boolean; allAlive: boolean } {
  const { a } = net.forward(X);
  let nearKink = false, allAlive = true;
  for (let l = 1; l < net.depth; l++) {
    let alive = false;
    for (const v of a[l].data) {
      if (v !== 0 && Math.abs(v) < 1e-3) nearKink = true;
      if (v > 0) alive = true;
    }
    allAlive &&= alive;
  }
  return { nearKink, allAlive };
}

/**
 * One randomised case: a random architecture with `hidden` hidden layers,
 * random parameters (intercepts included), random inputs and labels.
 * Returns the relative error between backprop and finite differences.
 */
function checkCase(seed: number, hidden: number, act: ActivationName, loss: LossName, intercept: InterceptMode,
  batch: number, reduction: Reduction): number {
  const rng = new Rng(seed);
  const d = 1 + rng.int(3);
  const units = [d, ...Array.from({ length: hidden }, () => 1 + rng.int(4)), outputUnits(loss, rng)];
  const net = new MLP({ unitsPerLayer: units, hiddenActivation: act, intercept, seed });
  let X = Matrix.zeros(batch, d);
  for (let attempt = 0; ; attempt++) {
    for (const p of net.getParameters()) p.data.forEach((_, k) => (p.data[k] = rng.normal(0, 0.8)));
    X = Matrix.fromFunction(batch, d, () => rng.normal());
    if (act !== "relu") break;
    const { nearKink, allAlive } = reluState(net, X);
    if (!nearKink && (allAlive || attempt >= 50)) break;
    if (attempt > 200) throw new Error(`seed ${seed}: could not draw relu inputs away from the kink`);
  }
  const y = labels(loss, batch, units[units.length - 1], rng);
  const lossFn = getLoss(loss);
  const analytic = gradientsToList(net.lossAndGradients(X, y, loss, reduction).gradients);
  const numeric = numericalGradient(() => lossFn.value(net.decisionFunction(X), y, reduction), net.getParameters());
  return maxRelativeError(analytic, numeric);
}

describe("hand-coded MLP gradients agree with central finite differences (float64, rel. err ≤ 1e-6)", () => {
  for (const loss of lossNames) {
    for (const act of activationNames) {
      it(`${loss} loss, ${act} hidden layers: 0–3 hidden layers × intercepts × batch 1 and 5 × mean/sum`, () => {
        let seed = 1000 * (lossNames.indexOf(loss) + 1) + 100 * activationNames.indexOf(act);
        for (let hidden = 0; hidden <= 3; hidden++) {
          for (const intercept of interceptModes) {
            for (const batch of [1, 5]) {
              for (const reduction of ["mean", "sum"] as Reduction[]) {
                seed++;
                const err = checkCase(seed, hidden, act, loss, intercept, batch, reduction);
                expect(err, `seed=${seed} hidden=${hidden} act=${act} loss=${loss} intercept=${intercept} batch=${batch} reduction=${reduction}`)
                  .toBeLessThanOrEqual(1e-6);
              }
            }
          }
        }
      });
    }
  }
});
