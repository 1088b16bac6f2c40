import { describe, expect, it } from "vitest";
import { Rng, initNames, initWeights } from "nnlab";

function sd(values: number[]): number {
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length);
}

describe("initWeights", () => {
  it("returns fanIn×fanOut matrices for every method", () => {
    for (const name of initNames) expect(initWeights(name, 3, 5, new Rng(1)).shape).toEqual([3, 5]);
  });

  it("draws with the spread each method promises", () => {
    const [fanIn, fanOut] = [200, 300];
    const xavier = initWeights("xavier", fanIn, fanOut, new Rng(1)).toFlatArray();
    const he = initWeights("he", fanIn, fanOut, new Rng(2)).toFlatArray();
    const normal = initWeights("normal", fanIn, fanOut, new Rng(3)).toFlatArray();
    const uniform = initWeights("uniform", fanIn, fanOut, new Rng(4)).toFlatArray();
    expect(sd(xavier) / Math.sqrt(2 / (fanIn + fanOut))).toBeCloseTo(1, 1);
    expect(sd(he) / Math.sqrt(2 / fanIn)).toBeCloseTo(1, 1);
    expect(sd(normal)).toBeCloseTo(1, 1);
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...uniform)).toBeLessThan(1);
    expect(sd(uniform)).toBeCloseTo(1 / Math.sqrt(3), 1); // sd of U(−1, 1)
    expect(initWeights("zeros", 2, 2, new Rng(0)).toFlatArray()).toEqual([0, 0, 0, 0]);
    expect(initWeights("ones", 2, 2, new Rng(0)).toFlatArray()).toEqual([1, 1, 1, 1]);
  });

  it("is reproducible from the seed", () => {
    expect(initWeights("he", 4, 4, new Rng(9)).toArray()).toEqual(initWeights("he", 4, 4, new Rng(9)).toArray());
    expect(initWeights("he", 4, 4, new Rng(9)).toArray()).not.toEqual(initWeights("he", 4, 4, new Rng(10)).toArray());
  });

  it("rejects unknown methods and empty layers", () => {
    expect(() => initWeights("glorot" as never, 2, 2, new Rng(0))).toThrow(/unknown initialisation "glorot"/);
    expect(() => initWeights("xavier", 0, 2, new Rng(0))).toThrow(/fanIn must be a positive integer/);
    expect(() => initWeights("xavier", 2, 1.5, new Rng(0))).toThrow(/fanOut must be a positive integer/);
  });
});
