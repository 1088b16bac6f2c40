import { describe, expect, it } from "vitest";
import { Rng } from "nnlab";

describe("Rng", () => {
  it("repeats the same sequence for the same seed and differs for another seed", () => {
    const a = new Rng(7), b = new Rng(7), c = new Rng(8);
    const sa = Array.from({ length: 20 }, () => a.next());
    const sb = Array.from({ length: 20 }, () => b.next());
    const sc = Array.from({ length: 20 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it("draws uniforms in [0,1) and normals with the requested mean and sd", () => {
    const r = new Rng(123);
    const u = Array.from({ length: 50_000 }, () => r.next());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((s, x) => s + x, 0) / u.length).toBeCloseTo(0.5, 2);
    const z = Array.from({ length: 50_000 }, () => r.normal(3, 2));
    const m = z.reduce((s, x) => s + x, 0) / z.length;
    const v = z.reduce((s, x) => s + (x - m) ** 2, 0) / z.length;
    expect(m).toBeCloseTo(3, 1);
    expect(Math.sqrt(v)).toBeCloseTo(2, 1);
    const w = Array.from({ length: 1000 }, () => r.uniform(-2, 5));
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...w)).toBeLessThan(5);
  });

  it("int, shuffle and permutation cover every index exactly once", () => {
    const r = new Rng(1);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
    const p = r.permutation(50);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const arr = ["a", "b", "c", "d"];
    expect(r.shuffle(arr)).toBe(arr);
    expect([...arr].sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("rejects bad arguments with a clear message", () => {
    expect(() => new Rng(NaN)).toThrow(/seed/);
    const r = new Rng(0);
    expect(() => r.int(0)).toThrow(/positive integer/);
    expect(() => r.int(2.5)).toThrow(/positive integer/);
    expect(() => r.uniform(3, 1)).toThrow(/lo ≤ hi/);
    expect(() => r.normal(0, -1)).toThrow(/sd/);
  });
});
