import { describe, expect, it } from "vitest";
import { Matrix, Rng, augmentImages, transformImage } from "nnlab";

/** A 5×5 image with a single lit pixel at (r, c). */
function dot(r: number, c: number, size = 5): number[] {
  const img = new Array(size * size).fill(0);
  img[r * size + c] = 1;
  return img;
}
const litPixels = (img: ArrayLike<number>) => Array.from(img).flatMap((v, k) => (Math.abs(v) > 1e-9 ? [[Math.floor(k / 5), k % 5, Number(v.toFixed(9))]] : []));

describe("transformImage", () => {
  it("leaves the image alone without a move", () => {
    const img = Array.from({ length: 25 }, (_, k) => k / 25);
    expect(Array.from(transformImage(img, 5, {}))).toEqual(img);
  });

  it("shifts right and down by whole pixels, filling with 0", () => {
    expect(litPixels(transformImage(dot(1, 1), 5, { dx: 2, dy: 1 }))).toEqual([[2, 3, 1]]);
    expect(litPixels(transformImage(dot(0, 4), 5, { dx: 1 }))).toEqual([]); // pushed off the edge
  });

  it("rotates counter-clockwise on screen: right of the centre goes to the top", () => {
    expect(litPixels(transformImage(dot(2, 4), 5, { degrees: 90 }))).toEqual([[0, 2, 1]]);
    expect(litPixels(transformImage(dot(2, 4), 5, { degrees: -90 }))).toEqual([[4, 2, 1]]);
  });

  it("interpolates a half-pixel shift as an even split between neighbours", () => {
    expect(litPixels(transformImage(dot(2, 2), 5, { dx: 0.5 }))).toEqual([[2, 2, 0.5], [2, 3, 0.5]]);
  });

  it("rejects a wrong pixel count or a non-finite move", () => {
    expect(() => transformImage([1, 2, 3], 2, {})).toThrow(/2×2 = 4 pixels, got 3/);
    expect(() => transformImage(dot(0, 0), 5, { degrees: NaN })).toThrow(/degrees must be a finite number/);
  });
});

describe("augmentImages", () => {
  const X = Matrix.fromRows([dot(2, 2), dot(1, 3), dot(3, 1)]);

  it("keeps the shape, is reproducible from the seed and moves images differently", () => {
    const a = augmentImages(X, 5, new Rng(3), { maxShift: 1, maxDegrees: 0 });
    const b = augmentImages(X, 5, new Rng(3), { maxShift: 1, maxDegrees: 0 });
    expect(a.shape).toEqual([3, 25]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    // With whole-pixel shifts of at most 1 and no rotation, each lit pixel moves by at most 1.
    for (let i = 0; i < 3; i++) {
      const moved = litPixels(a.data.subarray(i * 25, (i + 1) * 25));
      const [r0, c0] = litPixels(X.data.subarray(i * 25, (i + 1) * 25))[0];
      expect(moved).toHaveLength(1);
      expect(Math.abs(moved[0][0] - r0)).toBeLessThanOrEqual(1);
      expect(Math.abs(moved[0][1] - c0)).toBeLessThanOrEqual(1);
    }
    const many = augmentImages(Matrix.fromRows(Array.from({ length: 20 }, () => dot(2, 2))), 5, new Rng(1), { maxShift: 1, maxDegrees: 0 });
    expect(new Set(Array.from({ length: 20 }, (_, i) => JSON.stringify(litPixels(many.data.subarray(i * 25, (i + 1) * 25))))).size).toBeGreaterThan(1);
  });

  it("rejects rows that are not size×size images", () => {
    expect(() => augmentImages(Matrix.zeros(2, 10), 5, new Rng(0))).toThrow(/5×5 = 25 pixels/);
    expect(() => augmentImages(X, 5, new Rng(0), { maxShift: 1.5 })).toThrow(/maxShift/);
  });
});
