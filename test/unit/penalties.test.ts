import { describe, expect, it } from "vitest";
import { Matrix, Rng, l1Gradient, l1Penalty, l2Gradient, l2Penalty, numericalGradient, relativeError } from "nnlab";

// Random weights kept away from 0, where |w| has its kink.
function weights(seed: number): Matrix[] {
  const rng = new Rng(seed);
  const away = () => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.1, 2);
  return [Matrix.fromFunction(3, 4, away), Matrix.fromFunction(4, 1, away)];
}

describe("L2 penalty λ·Σ W²", () => {
  it("has the value of the notes' example", () => {
    // w1 = [1, 0, 0, 0] → R = 1; w2 = [0.25, 0.25, 0.25, 0.25] → R = 4·0.0625 = 0.25:
    // same prediction wᵀx = 1 for x = [1, 1, 1, 1], but L2 prefers the spread-out w2.
    expect(l2Penalty(Matrix.row([1, 0, 0, 0]), 1)).toBe(1);
    expect(l2Penalty(Matrix.row([0.25, 0.25, 0.25, 0.25]), 1)).toBe(0.25);
    expect(l2Penalty([Matrix.row([1, 2]), Matrix.column([3])], 0.5)).toBe(0.5 * (1 + 4 + 9));
  });

  it("has the gradient 2λW, checked by central finite differences", () => {
    for (const seed of [1, 2, 3]) {
      const ws = weights(seed);
      const lambda = 0.3;
      const numeric = numericalGradient(() => l2Penalty(ws, lambda), ws);
      const analytic = l2Gradient(ws, lambda);
      analytic.forEach((g, k) => expect(relativeError(g, numeric[k])).toBeLessThan(1e-6));
    }
    expect(l2Gradient(Matrix.row([1, -2]), 0.5).toArray()).toEqual([[1, -2]]);
  });
});

describe("L1 penalty λ·Σ |W|", () => {
  it("has the value of the notes' example", () => {
    // both w1 and w2 above have Σ|w| = 1: L1 does not prefer either
    expect(l1Penalty(Matrix.row([1, 0, 0, 0]), 2)).toBe(2);
    expect(l1Penalty(Matrix.row([0.25, 0.25, 0.25, 0.25]), 2)).toBe(2);
  });

  it("has the gradient λ·sign(W), checked by central finite differences", () => {
    for (const seed of [4, 5, 6]) {
      const ws = weights(seed);
      const lambda = 0.7;
      const numeric = numericalGradient(() => l1Penalty(ws, lambda), ws);
      const analytic = l1Gradient(ws, lambda);
      analytic.forEach((g, k) => expect(relativeError(g, numeric[k])).toBeLessThan(1e-6));
    }
  });

  it("uses the subgradient 0 at w = 0", () => {
    expect(l1Gradient(Matrix.row([-3, 0, 2]), 0.5).toArray()).toEqual([[-0.5, 0, 0.5]]);
  });
});

describe("penalty input checks", () => {
  it("rejects a negative or non-finite λ and non-finite weights", () => {
    const w = Matrix.row([1, 2]);
    expect(() => l2Penalty(w, -1)).toThrow(/l2Penalty: lambda must be a finite number ≥ 0, got -1/);
    expect(() => l1Gradient(w, NaN)).toThrow(/lambda/);
    expect(() => l2Gradient(Matrix.row([1, Infinity]), 1)).toThrow(/weight matrix 0 has a non-finite value Infinity/);
  });
});
