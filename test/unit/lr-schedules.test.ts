import { describe, expect, it } from "vitest";
import { constantSchedule, cosineSchedule, exponentialSchedule, stepSchedule } from "nnlab";

describe("learning-rate schedules", () => {
  it("constant keeps α₀", () => {
    const s = constantSchedule(0.3);
    expect([0, 1, 50].map(s)).toEqual([0.3, 0.3, 0.3]);
  });

  it("step multiplies by the factor every `every` steps", () => {
    const s = stepSchedule(0.8, { every: 10, factor: 0.5 });
    expect([0, 9, 10, 19, 20, 35].map(s)).toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.1]);
  });

  it("exponential multiplies by the rate at every step", () => {
    const s = exponentialSchedule(2, 0.9);
    expect(s(0)).toBe(2);
    expect(s(1)).toBeCloseTo(1.8, 12);
    expect(s(3)).toBeCloseTo(2 * 0.729, 12);
  });

  it("cosine falls from α₀ through the midpoint to the minimum, then stays there", () => {
    const s = cosineSchedule(1, 20, 0.1);
    expect(s(0)).toBe(1);
    expect(s(10)).toBeCloseTo(0.55, 12); // halfway: the average of 1 and 0.1
    expect(s(5)).toBeCloseTo(0.1 + 0.9 * (1 + Math.SQRT1_2) / 2, 12);
    expect(s(20)).toBe(0.1);
    expect(s(30)).toBe(0.1);
    for (let t = 1; t <= 20; t++) expect(s(t)).toBeLessThan(s(t - 1));
  });

  it("rejects bad settings and step numbers with a clear message", () => {
    expect(() => constantSchedule(0)).toThrow(/learning rate/);
    expect(() => stepSchedule(0.1, { every: 0 })).toThrow(/every must be a positive integer/);
    expect(() => stepSchedule(0.1, { every: 5, factor: 1.5 })).toThrow(/factor must be in \(0, 1\]/);
    expect(() => exponentialSchedule(0.1, 0)).toThrow(/rate must be in/);
    expect(() => cosineSchedule(0.1, 10, 0.5)).toThrow(/minimum/);
    expect(() => cosineSchedule(0.1, 10)(-1)).toThrow(/integer ≥ 0/);
    expect(() => exponentialSchedule(0.1, 0.9)(1.5)).toThrow(/integer ≥ 0/);
  });
});
