import { describe, expect, it } from "vitest";
import { Matrix, Rng, activations, getActivation, logSumExpRows, sigmoid, softmaxRows, type ActivationName } from "nnlab";

const names = Object.keys(activations) as ActivationName[];

describe("activations", () => {
  it("has identity, relu, sigmoid and tanh, each named after its key", () => {
    expect(names.sort()).toEqual(["identity", "relu", "sigmoid", "tanh"]);
    for (const n of names) expect(getActivation(n).name).toBe(n);
  });

  it("computes the textbook values", () => {
    const a = Matrix.fromRows([[-2, 0, 0.5]]);
    expect(getActivation("identity").forward(a).toArray()).toEqual([[-2, 0, 0.5]]);
    expect(getActivation("relu").forward(a).toArray()).toEqual([[0, 0, 0.5]]);
    const s = getActivation("sigmoid").forward(a).toArray()[0];
    s.forEach((v, j) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-a.data[j])), 14));
    const t = getActivation("tanh").forward(a).toArray()[0];
    t.forEach((v, j) => expect(v).toBeCloseTo(Math.tanh(a.data[j]), 14));
  });

  it("scalar sigmoid is stable for large |x| and symmetric", () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(-800)).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(sigmoid(-1e308))).toBe(false);
    for (const x of [-30, -3, -0.1, 0.7, 5, 40]) expect(sigmoid(x) + sigmoid(-x)).toBeCloseTo(1, 14);
  });

  it("each derivative agrees with a central difference of forward (away from relu's kink)", () => {
    const rng = new Rng(11);
    const a = Matrix.fromFunction(6, 5, () => {
      let x = rng.normal(0, 3);
      if (Math.abs(x) < 1e-3) x += 0.1; // keep away from the kink
      return x;
    });
    const eps = 1e-6;
    for (const n of names) {
      const act = getActivation(n);
      const d = act.derivative(a);
      const up = act.forward(a.map((x) => x + eps));
      const down = act.forward(a.map((x) => x - eps));
      for (let k = 0; k < a.size; k++) {
        expect(d.data[k], `${n} at ${a.data[k]}`).toBeCloseTo((up.data[k] - down.data[k]) / (2 * eps), 7);
      }
    }
  });

  it("relu's derivative is 0 at the kink and for negative inputs", () => {
    expect(getActivation("relu").derivative(Matrix.row([-1, 0, 2])).toArray()).toEqual([[0, 0, 1]]);
  });

  it("relu gives +0 (not −0) for negative inputs and the kink, 0 for −∞ and NaN, and passes +∞ and positives through", () => {
    const a = Matrix.row([-3, -0, 0, 2.5, -Infinity, Infinity, NaN, 1e-300, -1e-300]);
    const out = getActivation("relu").forward(a).toFlatArray();
    const expected = [0, 0, 0, 2.5, 0, Infinity, 0, 1e-300, 0];
    expected.forEach((e, k) => expect(Object.is(out[k], e), `relu(${a.data[k]}) = ${out[k]}, want ${e}`).toBe(true));
    // Its slope: 1 exactly where a > 0.
    expect(getActivation("relu").derivative(a).toFlatArray()).toEqual([0, 0, 0, 1, 0, 1, 0, 1, 0]);
  });

  it("does not modify its input", () => {
    const a = Matrix.fromRows([[-1, 2], [3, -4]]);
    const before = a.toArray();
    for (const n of names) {
      getActivation(n).forward(a);
      getActivation(n).derivative(a);
    }
    expect(a.toArray()).toEqual(before);
  });

  it("rejects an unknown name and lists the valid ones", () => {
    expect(() => getActivation("softplus")).toThrow(/unknown activation "softplus".*identity, relu, sigmoid, tanh/);
  });
});

describe("softmax and log-sum-exp", () => {
  it("softmax rows are probabilities and match the naive formula for small scores", () => {
    const z = Matrix.fromRows([[1, 2, 3], [0.5, -0.5, 0], [-1, -1, -1]]);
    const p = softmaxRows(z);
    for (let i = 0; i < z.rows; i++) {
      const row = z.toArray()[i];
      const denom = row.reduce((s, v) => s + Math.exp(v), 0);
      let total = 0;
      for (let j = 0; j < z.cols; j++) {
        expect(p.get(i, j)).toBeCloseTo(Math.exp(row[j]) / denom, 14);
        total += p.get(i, j);
      }
      expect(total).toBeCloseTo(1, 14);
    }
  });

  it("does not overflow for large scores and ignores a constant added to a row", () => {
    const big = softmaxRows(Matrix.fromRows([[1000, 1001, 999]]));
    const small = softmaxRows(Matrix.fromRows([[0, 1, -1]]));
    big.data.forEach((v, k) => expect(v).toBeCloseTo(small.data[k], 14));
    expect(logSumExpRows(Matrix.fromRows([[1000, 1000]])).data[0]).toBeCloseTo(1000 + Math.log(2), 10);
    expect(logSumExpRows(Matrix.fromRows([[-1000, -1000]])).data[0]).toBeCloseTo(-1000 + Math.log(2), 10);
  });

  it("log-sum-exp is N×1 and equals log Σ exp for moderate scores", () => {
    const z = Matrix.fromRows([[0.1, 0.2], [3, -2]]);
    const L = logSumExpRows(z);
    expect(L.shape).toEqual([2, 1]);
    expect(L.data[0]).toBeCloseTo(Math.log(Math.exp(0.1) + Math.exp(0.2)), 14);
    expect(L.data[1]).toBeCloseTo(Math.log(Math.exp(3) + Math.exp(-2)), 14);
  });
});
