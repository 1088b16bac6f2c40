// Matrix storage comes from a shared block for small matrices (allocateData in
// lib/matrix.ts): every new matrix must still start at zero and be independent.
import { describe, expect, it } from "vitest";
import { Matrix, allocateData, matMul } from "nnlab";

describe("allocateData", () => {
  it("hands out zeroed, non-overlapping pieces, across block boundaries", () => {
    const pieces: Float64Array[] = [];
    // 3000 × 37 doubles spans many 4096-double blocks, with pieces that do not divide a block.
    for (let i = 0; i < 3000; i++) {
      const d = allocateData(37);
      expect(d.length).toBe(37);
      expect(d.every((v) => v === 0)).toBe(true);
      d.fill(i + 1); // a write may only ever show in its own piece
      pieces.push(d);
    }
    pieces.forEach((d, i) => expect(d.every((v) => v === i + 1)).toBe(true));
  });

  it("gives large requests their own array", () => {
    const big = allocateData(10_000);
    expect(big.length).toBe(10_000);
    expect(big.buffer.byteLength).toBe(80_000);
    expect(allocateData(0).length).toBe(0);
  });

  it("keeps matrices made by the constructor and by matMul independent", () => {
    const a = Matrix.fromRows([[1, 2], [3, 4]]);
    const p = matMul(a, a), q = new Matrix(2, 2), r = matMul(a, Matrix.identity(2));
    q.set(0, 0, 99);
    expect(p.toArray()).toEqual([[7, 10], [15, 22]]);
    expect(r.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(q.toArray()).toEqual([[99, 0], [0, 0]]);
  });
});
