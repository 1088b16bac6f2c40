import { describe, expect, it } from "vitest";
import { Matrix, decisionBoundary, linspace, spirals, twoMoons } from "nnlab";

// One linspace serves the datasets (which may ask for 0 or 1 point) and the
// plot grids (which need at least 2): the edge rule is numpy's.
describe("linspace", () => {
  it("includes both ends and spaces the points evenly", () => {
    expect(linspace(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, -2, 3)).toEqual([2, 0, -2]);
  });

  it("gives [lo] for one point and [] for none, as numpy does", () => {
    expect(linspace(3, 7, 1)).toEqual([3]);
    expect(linspace(3, 7, 0)).toEqual([]);
  });

  it("rejects a negative or fractional number of points with a RangeError naming it", () => {
    expect(() => linspace(0, 1, -1)).toThrow(/linspace: the number of points must be an integer ≥ 0, got -1/);
    expect(() => linspace(0, 1, 2.5)).toThrow(RangeError);
  });

  it("datasets with one point on a curve still get that point (the n = 1 rule)", () => {
    expect(twoMoons(3, 0).X.rows).toBe(3);
    expect(spirals(1, 3, 0).X.rows).toBe(3);
  });

  it("a plot grid of fewer than 2 points is refused by the plot, by name", () => {
    const X = Matrix.fromRows([[0, 0], [1, 1]]);
    expect(() => decisionBoundary((G) => Matrix.zeros(G.rows, 1), X, [0, 1], { resolution: 1 })).toThrow(
      /decisionBoundary: resolution must be an integer ≥ 2, got 1/,
    );
  });
});
