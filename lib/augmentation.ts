// Data augmentation for square grey-level images stored one per row (the
// digits: 28×28 pixels, row by row). A small shift or rotation does not change
// which digit an image shows, so a transformed copy is a new, correctly
// labelled training example for free.
//
// One function does both moves. For every pixel (r, c) of the OUTPUT image it
// asks "where did this pixel come from?": undo the shift, then rotate back by
// −θ around the image centre, and read the input there with bilinear
// interpolation (a weighted average of the 4 surrounding pixels). Pixels that
// come from outside the image are 0 (background). Working backwards from the
// output leaves no holes, which pushing input pixels forwards would.

import { Matrix } from "./matrix";
import { Rng } from "./random";

export interface ImageMove {
  /** Shift to the right, in pixels (negative: to the left). */
  dx?: number;
  /** Shift downwards, in pixels (negative: upwards). */
  dy?: number;
  /** Rotation around the image centre, in degrees, counter-clockwise as seen on screen. */
  degrees?: number;
}

/** The size×size image `pixels` (row by row) moved by `move`, as a new array. */
export function transformImage(pixels: ArrayLike<number>, size: number, move: ImageMove): Float64Array {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`transformImage: size must be a positive integer, got ${size}`);
  if (pixels.length !== size * size) throw new RangeError(`transformImage: expected ${size}×${size} = ${size * size} pixels, got ${pixels.length}`);
  const { dx = 0, dy = 0, degrees = 0 } = move;
  for (const [name, v] of [["dx", dx], ["dy", dy], ["degrees", degrees]] as const) {
    if (!Number.isFinite(v)) throw new RangeError(`transformImage: ${name} must be a finite number, got ${v}`);
  }
  const theta = (degrees * Math.PI) / 180;
  const cos = Math.cos(theta), sin = Math.sin(theta);
  const centre = (size - 1) / 2;
  const at = (r: number, c: number) => (r >= 0 && r < size && c >= 0 && c < size ? pixels[r * size + c] : 0);
  const out = new Float64Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      // Undo the shift, then the rotation (rows grow downwards, hence the signs).
      const y = r - dy - centre, x = c - dx - centre;
      const srcC = cos * x - sin * y + centre;
      const srcR = sin * x + cos * y + centre;
      const r0 = Math.floor(srcR), c0 = Math.floor(srcC);
      const fr = srcR - r0, fc = srcC - c0;
      out[r * size + c] =
        (1 - fr) * ((1 - fc) * at(r0, c0) + fc * at(r0, c0 + 1)) + fr * ((1 - fc) * at(r0 + 1, c0) + fc * at(r0 + 1, c0 + 1));
    }
  }
  return out;
}

export interface AugmentOptions {
  /** Largest shift in each direction, whole pixels (default 2). */
  maxShift?: number;
  /** Largest rotation either way, in degrees (default 10). */
  maxDegrees?: number;
}

/**
 * A randomly moved copy of every row of X (size×size images): each image gets
 * its own whole-pixel shift in [−maxShift, maxShift]² and rotation in
 * [−maxDegrees, maxDegrees], drawn from `rng`. Labels are unchanged, so pair
 * the result with the same y.
 */
export function augmentImages(X: Matrix, size: number, rng: Rng, options: AugmentOptions = {}): Matrix {
  const maxShift = options.maxShift ?? 2;
  const maxDegrees = options.maxDegrees ?? 10;
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new RangeError(`augmentImages: maxShift must be an integer ≥ 0, got ${maxShift}`);
  if (!(maxDegrees >= 0 && Number.isFinite(maxDegrees))) throw new RangeError(`augmentImages: maxDegrees must be a finite number ≥ 0, got ${maxDegrees}`);
  if (X.cols !== size * size) throw new RangeError(`augmentImages: rows must have ${size}×${size} = ${size * size} pixels, X has ${X.cols} columns`);
  const out = new Matrix(X.rows, X.cols);
  for (let i = 0; i < X.rows; i++) {
    const move = {
      dx: rng.int(2 * maxShift + 1) - maxShift,
      dy: rng.int(2 * maxShift + 1) - maxShift,
      degrees: rng.uniform(-maxDegrees, maxDegrees),
    };
    out.data.set(transformImage(X.data.subarray(i * X.cols, (i + 1) * X.cols), size, move), i * X.cols);
  }
  return out;
}
