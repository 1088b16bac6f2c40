import { describe, expect, it } from "vitest";
import { Matrix, Rng, getLoss, losses, maxRelativeError, numericalGradient, type LossName, type Reduction } from "nnlab";

/** Random scores and labels in each loss's coding. */
function sample(name: LossName, rng: Rng, n: number): { out: Matrix; y: Matrix } {
  const k = name === "square_loss" ? 3 : name === "softmax_cross_entropy" ? 4 : 1;
  const out = Matrix.fromFunction(n, k, () => rng.normal(0, 2));
  const y =
    name === "square_loss" ? Matrix.fromFunction(n, k, () => rng.normal())
    : name === "logistic_loss" ? Matrix.fromFunction(n, 1, () => (rng.next() < 0.5 ? -1 : 1))
    : name === "bce_with_logits" ? Matrix.fromFunction(n, 1, () => rng.int(2))
    : Matrix.fromFunction(n, 1, () => rng.int(k));
  return { out, y };
}

const names = Object.keys(losses) as LossName[];

describe("losses", () => {
  it("gradient (rule 0) agrees with central finite differences, both reductions", () => {
    for (const name of names) {
      for (const reduction of ["mean", "sum"] as Reduction[]) {
        for (const n of [1, 7]) {
          const seed = names.indexOf(name) * 100 + n + (reduction === "sum" ? 50 : 0);
          const { out, y } = sample(name, new Rng(seed), n);
          const loss = getLoss(name);
          const numeric = numericalGradient(() => loss.value(out, y, reduction), [out]);
          const err = maxRelativeError([loss.gradient(out, y, reduction)], numeric);
          expect(err, `${name} ${reduction} N=${n} seed=${seed}`).toBeLessThanOrEqual(1e-6);
        }
      }
    }
  });

  it("mean is the sum divided by the batch size, and value is the sum of perSample", () => {
    for (const name of names) {
      const { out, y } = sample(name, new Rng(3), 6);
      const loss = getLoss(name);
      const per = loss.perSample(out, y);
      expect(per.shape).toEqual([6, 1]);
      const total = per.data.reduce((s, v) => s + v, 0);
      expect(loss.value(out, y, "sum")).toBeCloseTo(total, 12);
      expect(loss.value(out, y)).toBeCloseTo(total / 6, 12);
      const gs = loss.gradient(out, y, "sum"), gm = loss.gradient(out, y, "mean");
      gs.data.forEach((v, k) => expect(gm.data[k]).toBeCloseTo(v / 6, 14));
    }
  });

  it("square loss sums squared errors over the outputs of a sample", () => {
    const out = Matrix.fromRows([[1, 2], [3, 4]]);
    const y = Matrix.fromRows([[0, 2], [1, 1]]);
    // (1−0)² + (2−2)² = 1 and (3−1)² + (4−1)² = 13
    expect(getLoss("square_loss").perSample(out, y).toArray()).toEqual([[1], [13]]);
    expect(getLoss("square_loss").value(out, y)).toBe(7);
    expect(getLoss("square_loss").gradient(out, y, "sum").toArray()).toEqual([[2, 0], [4, 6]]);
  });

  it("logistic_loss ({−1,1}), bce_with_logits ({0,1}) and softmax_cross_entropy on [0, a] are the same loss", () => {
    const rng = new Rng(5);
    const a = Matrix.fromFunction(8, 1, () => rng.normal(0, 3));
    const y01 = Matrix.fromFunction(8, 1, () => rng.int(2));
    const ypm = y01.map((v) => 2 * v - 1);
    const z = Matrix.fromFunction(8, 2, (i, j) => (j === 0 ? 0 : a.data[i]));
    const lLog = getLoss("logistic_loss").value(a, ypm);
    expect(getLoss("bce_with_logits").value(a, y01)).toBeCloseTo(lLog, 12);
    expect(getLoss("softmax_cross_entropy").value(z, y01)).toBeCloseTo(lLog, 12);
    const gLog = getLoss("logistic_loss").gradient(a, ypm);
    const gBce = getLoss("bce_with_logits").gradient(a, y01);
    const gSm = getLoss("softmax_cross_entropy").gradient(z, y01);
    for (let i = 0; i < 8; i++) {
      expect(gBce.data[i]).toBeCloseTo(gLog.data[i], 12);
      expect(gSm.get(i, 1)).toBeCloseTo(gLog.data[i], 12); // the notes' "binary is a special case"
    }
  });

  it("logistic loss and its gradient match the notes' formulas and never overflow", () => {
    const a = Matrix.column([0.3, -1.2]);
    const y = Matrix.column([1, -1]);
    const per = getLoss("logistic_loss").perSample(a, y);
    const g = getLoss("logistic_loss").gradient(a, y, "sum");
    for (let i = 0; i < 2; i++) {
      expect(per.data[i]).toBeCloseTo(Math.log(1 + Math.exp(-y.data[i] * a.data[i])), 14);
      expect(g.data[i]).toBeCloseTo(-y.data[i] / (1 + Math.exp(y.data[i] * a.data[i])), 14);
    }
    const huge = Matrix.column([1000, -1000, 1000, -1000]);
    const yh = Matrix.column([1, -1, -1, 1]);
    const ph = getLoss("logistic_loss").perSample(huge, yh).toFlatArray();
    expect(ph[0]).toBe(0);
    expect(ph[1]).toBe(0);
    expect(ph[2]).toBeCloseTo(1000, 10);
    expect(ph[3]).toBeCloseTo(1000, 10);
    expect(getLoss("logistic_loss").gradient(huge, yh, "sum").toFlatArray()).toEqual([-0, 0, 1, -1]);
    const bce = getLoss("bce_with_logits").perSample(huge, Matrix.column([1, 0, 0, 1])).toFlatArray();
    expect(bce.every(Number.isFinite)).toBe(true);
    expect(bce[2]).toBeCloseTo(1000, 10);
  });

  it("softmax_cross_entropy gradient is exp(z_k − L) − I[y = k] and stays finite for huge scores", () => {
    const z = Matrix.fromRows([[1000, 0, -1000]]);
    const g = getLoss("softmax_cross_entropy").gradient(z, Matrix.column([1]), "sum").toFlatArray();
    expect(g[0]).toBeCloseTo(1, 12);
    expect(g[1]).toBeCloseTo(-1, 12);
    expect(g[2]).toBeCloseTo(0, 12);
    expect(getLoss("softmax_cross_entropy").value(z, Matrix.column([1]))).toBeCloseTo(1000, 10);
  });

  it("predict returns labels in each loss's coding", () => {
    const s = Matrix.column([-0.5, 2]);
    expect(getLoss("logistic_loss").predict(s).toFlatArray()).toEqual([-1, 1]);
    expect(getLoss("bce_with_logits").predict(s).toFlatArray()).toEqual([0, 1]);
    expect(getLoss("square_loss").predict(s).toFlatArray()).toEqual([-0.5, 2]);
    expect(getLoss("softmax_cross_entropy").predict(Matrix.fromRows([[0, 3, 1], [5, 1, 2]])).toArray()).toEqual([[1], [0]]);
  });

  it("getLoss passes Loss objects through and rejects unknown names", () => {
    expect(getLoss(losses.square_loss)).toBe(losses.square_loss);
    expect(() => getLoss("hinge")).toThrow(/unknown loss "hinge".*square_loss, logistic_loss, bce_with_logits, softmax_cross_entropy/);
  });
});
