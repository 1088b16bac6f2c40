import { describe, expect, it } from "vitest";
import { Matrix, ShapeError, add, argmaxRows, hstack, matMul, sub, sumRows, transpose } from "nnlab";

describe("Matrix", () => {
  it("multiplies, transposes and broadcasts an intercept row", () => {
    const a = Matrix.fromRows([[1, 2], [3, 4], [5, 6]]);
    const b = Matrix.fromRows([[1, 0, 2], [0, 1, 3]]);
    expect(matMul(a, b).toArray()).toEqual([[1, 2, 8], [3, 4, 18], [5, 6, 28]]);
    expect(transpose(a).toArray()).toEqual([[1, 3, 5], [2, 4, 6]]);
    expect(add(a, Matrix.row([10, 20])).toArray()).toEqual([[11, 22], [13, 24], [15, 26]]);
    expect(sumRows(a).toArray()).toEqual([[9, 12]]);
    expect(hstack(a, Matrix.ones(3, 1)).toArray()[2]).toEqual([5, 6, 1]);
    expect(argmaxRows(Matrix.fromRows([[0, 3, 1], [9, 2, 2]]))).toEqual([1, 0]);
  });

  it("names the operation and both shapes on a mismatch", () => {
    const a = Matrix.zeros(3, 2);
    expect(() => matMul(a, Matrix.zeros(3, 4))).toThrow(ShapeError);
    expect(() => matMul(a, Matrix.zeros(3, 4))).toThrow(/matMul: 3×2 and 3×4/);
    expect(() => sub(a, Matrix.zeros(2, 2))).toThrow(/sub: shapes 3×2 and 2×2/);
    expect(() => Matrix.fromRows([[1, 2], [3]])).toThrow(/row 1 has 1 values/);
  });
});

describe("matMul kernel", () => {
  // The kernel unrolls the inner dimension by four and skips zero runs; compare
  // it with the textbook triple loop on sizes that exercise every remainder.
  it("equals the triple-loop definition for every inner size 1..9, with zeros", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    for (let m = 1; m <= 9; m++) {
      const a = Matrix.fromFunction(3, m, (i, j) => ((i + j) % 3 === 0 ? 0 : rand()));
      const b = Matrix.fromFunction(m, 4, () => rand());
      const c = matMul(a, b);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 4; j++) {
          let s = 0;
          for (let k = 0; k < m; k++) s += a.get(i, k) * b.get(k, j);
          expect(c.get(i, j)).toBeCloseTo(s, 12);
        }
      }
    }
  });
});
