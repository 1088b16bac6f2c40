// Optimisers against tfjs: the same parameters and the same gradient sequence
// through nnlab's optimiser (float64) and tfjs's tf.train.* (float32) must give
// the same parameters after every step.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import {
  Adagrad,
  Adam,
  EarlyStopping,
  Matrix,
  Momentum,
  type Optimizer,
  RMSProp,
  Rng,
  SGD,
  ShapeError,
  TFJS_EPSILON,
  createOptimizer,
} from "nnlab";
import { forEachBackend } from "../helpers/tfjs-backends";


const SHAPES: [number, number][] = [[3, 2], [1, 2]]; // a weight matrix and an intercept row
const STEPS = 6;

function randomMatrices(rng: Rng, scale: number): Matrix[] {
  return SHAPES.map(([r, c]) => Matrix.fromFunction(r, c, () => rng.normal(0, scale)));
}

/**
 * Runs `ours` and `theirs` side by side from the same start, feeding both the
 * same random gradients (sd `gradScale`), and returns the largest difference
 * between the parameters, measured against max(1, |tfjs value|).
 */
function compare(ours: Optimizer, theirs: tf.Optimizer, seed: number, gradScale = 1): number {
  const rng = new Rng(seed);
  const params = randomMatrices(rng, 1);
  const names = params.map((_, k) => `p${seed}_${k}_${Math.floor(rng.next() * 1e9)}`);
  const vars = params.map((p, k) => tf.variable(tf.tensor2d(Array.from(p.data), [p.rows, p.cols]), true, names[k]));
  let worst = 0;
  for (let t = 0; t < STEPS; t++) {
    const grads = randomMatrices(rng, gradScale);
    ours.step(params, grads);
    const named: tf.NamedTensorMap = {};
    grads.forEach((g, k) => (named[names[k]] = tf.tensor2d(Array.from(g.data), [g.rows, g.cols])));
    theirs.applyGradients(named);
    tf.dispose(Object.values(named));
    params.forEach((p, k) => {
      const expected = vars[k].dataSync();
      p.data.forEach((w, i) => (worst = Math.max(worst, Math.abs(w - expected[i]) / Math.max(1, Math.abs(expected[i])))));
    });
  }
  tf.dispose(vars);
  theirs.dispose();
  return worst;
}

const TOL = 1e-5; // float32 against float64, a few steps

// On each tfjs backend (tensorflow and wasm; test/helpers/tfjs-backends.ts).
forEachBackend((name) => {
  describe("optimisers equal tfjs tf.train.* for the same gradients", () => {
    it("uses the same default epsilon as the tfjs backend", () => {
      expect(tf.getBackend()).toBe(name); // the tfjs these tests import is the one nnlab switched
      expect(tf.backend().epsilon()).toBe(TFJS_EPSILON);
    });

    it("SGD = tf.train.sgd", () => {
      expect(compare(new SGD(0.1), tf.train.sgd(0.1), 1)).toBeLessThan(TOL);
    });

    it("Momentum (classic) = tf.train.momentum", () => {
      expect(compare(new Momentum(0.05, 0.9), tf.train.momentum(0.05, 0.9), 2)).toBeLessThan(TOL);
    });

    it("Momentum (average, the notes' form) = tf.train.momentum with lr·(1 − β)", () => {
      const lr = 0.2, beta = 0.7;
      const ours = new Momentum(lr, beta, { form: "average" });
      expect(compare(ours, tf.train.momentum(lr * (1 - beta), beta), 3)).toBeLessThan(TOL);
    });

    it("Adagrad = tf.train.adagrad (initial accumulator 0.1)", () => {
      expect(compare(new Adagrad(0.1), tf.train.adagrad(0.1), 4)).toBeLessThan(TOL);
      expect(compare(new Adagrad(0.05, 0.5), tf.train.adagrad(0.05, 0.5), 5)).toBeLessThan(TOL);
    });

    it("RMSProp = tf.train.rmsprop, with and without momentum", () => {
      expect(compare(new RMSProp(0.01), tf.train.rmsprop(0.01), 6)).toBeLessThan(TOL);
      expect(compare(new RMSProp(0.01, 0.8, 1e-7, 0.5), tf.train.rmsprop(0.01, 0.8, 0.5, 1e-7), 7)).toBeLessThan(TOL);
    });

    it("Adam = tf.train.adam (bias correction)", () => {
      expect(compare(new Adam(0.01), tf.train.adam(0.01), 8)).toBeLessThan(TOL);
      expect(compare(new Adam(0.05, 0.8, 0.99), tf.train.adam(0.05, 0.8, 0.99), 9)).toBeLessThan(TOL);
    });

    it("puts eps where tfjs does (inside the root for RMSProp, outside for Adam)", () => {
      // Tiny gradients and a large eps make the position of eps visible.
      const eps = 1e-2, g = 1e-2;
      expect(compare(new RMSProp(0.01, 0.9, eps), tf.train.rmsprop(0.01, 0.9, 0, eps), 10, g)).toBeLessThan(TOL);
      expect(compare(new Adam(0.01, 0.9, 0.999, eps), tf.train.adam(0.01, 0.9, 0.999, eps), 11, g)).toBeLessThan(TOL);
      // and a wrong placement would be detected: Adam's eps inside the root differs by far more than TOL
      expect(compare(new Adam(0.01, 0.9, 0.999, eps * eps), tf.train.adam(0.01, 0.9, 0.999, eps), 11, g)).toBeGreaterThan(100 * TOL);
    });

    it("createOptimizer builds each optimiser by name", () => {
      expect(compare(createOptimizer("adam", 0.01, { beta1: 0.8 }), tf.train.adam(0.01, 0.8, 0.999), 12)).toBeLessThan(TOL);
      expect(compare(createOptimizer("momentum", 0.05, { beta: 0.5 }), tf.train.momentum(0.05, 0.5), 13)).toBeLessThan(TOL);
      expect(createOptimizer("rmsprop", 0.1).name).toBe("rmsprop");
      expect(() => createOptimizer("nadam" as never, 0.1)).toThrow(/unknown optimiser "nadam"/);
    });
  });
});

describe("optimisers minimise a quadratic", () => {
  // f(w) = Σ (w − c)², ∇f = 2(w − c); every optimiser should get close to c.
  const target = Matrix.fromRows([[1, -2, 0.5]]);
  const cases: [string, () => Optimizer][] = [
    ["sgd", () => new SGD(0.1)],
    ["momentum classic", () => new Momentum(0.02, 0.9)],
    ["momentum average", () => new Momentum(0.2, 0.9, { form: "average" })],
    ["adagrad", () => new Adagrad(0.5)],
    ["rmsprop", () => new RMSProp(0.01)],
    ["adam", () => new Adam(0.05)],
  ];
  it.each(cases)("%s", (_name, make) => {
    const opt = make();
    const w = [Matrix.zeros(1, 3)];
    const distance = () => Math.max(...w[0].data.map((x, i) => Math.abs(x - target.data[i])));
    const start = distance();
    for (let t = 0; t < 500; t++) opt.step(w, [w[0].map((x, _i, j) => 2 * (x - target.data[j]))]);
    expect(distance()).toBeLessThan(0.05 * start);
  });
});

describe("optimiser input checks", () => {
  it("rejects a learning rate ≤ 0 (or not a number) in every optimiser", () => {
    for (const lr of [0, -0.1, NaN, Infinity]) {
      expect(() => new SGD(lr)).toThrow(/SGD: the learning rate must be a finite number > 0/);
      expect(() => new Momentum(lr)).toThrow(/Momentum: the learning rate/);
      expect(() => new Adagrad(lr)).toThrow(/Adagrad: the learning rate/);
      expect(() => new RMSProp(lr)).toThrow(/RMSProp: the learning rate/);
      expect(() => new Adam(lr)).toThrow(/Adam: the learning rate/);
    }
  });

  it("rejects hyper-parameters outside their range", () => {
    expect(() => new Momentum(0.1, 1)).toThrow(/beta must be in \[0, 1\)/);
    expect(() => new Momentum(0.1, 0.9, { form: "nesterov" as never })).toThrow(/form must be/);
    expect(() => new RMSProp(0.1, -0.5)).toThrow(/decay/);
    expect(() => new Adam(0.1, 0.9, 1.5)).toThrow(/beta2/);
    expect(() => new Adam(0.1, 0.9, 0.999, -1)).toThrow(/eps/);
    expect(() => new Adagrad(0.1, 0, 0)).toThrow(/both be 0/);
  });

  it("rejects mismatched parameter and gradient lists, shapes and non-finite gradients", () => {
    const opt = new Adam(0.1);
    const p = [Matrix.zeros(2, 2)];
    expect(() => opt.step(p, [])).toThrow(/1 parameters but 0 gradients/);
    expect(() => opt.step(p, [Matrix.zeros(2, 3)])).toThrow(ShapeError);
    expect(() => opt.step(p, [Matrix.fromRows([[0, NaN], [0, 0]])])).toThrow(/gradient 0 has a non-finite value NaN/);
    expect(() => opt.step([], [])).toThrow(/no parameters/);
    opt.step(p, [Matrix.ones(2, 2)]);
    // the state belongs to a 2×2 parameter; a differently sized one at the same position is an error until reset()
    expect(() => opt.step([Matrix.zeros(1, 3)], [Matrix.ones(1, 3)])).toThrow(/had 4 on earlier steps/);
    opt.reset();
    expect(() => opt.step([Matrix.zeros(1, 3)], [Matrix.ones(1, 3)])).not.toThrow();
  });
});

describe("EarlyStopping", () => {
  it("stops `patience` epochs after the best validation loss", () => {
    const stop = new EarlyStopping(2);
    const losses = [1.0, 0.8, 0.7, 0.75, 0.72, 0.9];
    const decisions = losses.map((l) => [stop.update(l), stop.improved]);
    // best at epoch 2 (0.7); epochs 3 and 4 do not improve → stop after epoch 4
    expect(decisions).toEqual([[false, true], [false, true], [false, true], [false, false], [true, false], [true, false]]);
    expect([stop.bestEpoch, stop.bestLoss]).toEqual([2, 0.7]);
  });

  it("counts only improvements larger than minDelta, and checks its input", () => {
    const stop = new EarlyStopping(1, 0.1);
    stop.update(1);
    expect(stop.update(0.95)).toBe(true); // 0.05 is not enough
    expect(() => new EarlyStopping(0)).toThrow(/patience/);
    expect(() => stop.update(NaN)).toThrow(/validation loss is NaN/);
  });
});
