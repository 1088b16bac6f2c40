// Seeded random matrices for the library's unit tests.
import { Matrix, Rng } from "nnlab";

/** r×c entries drawn from N(0, sd²). */
export const randn = (rng: Rng, r: number, c: number, sd = 1): Matrix => Matrix.fromFunction(r, c, () => rng.normal(0, sd));

/** r×c entries drawn uniformly from [lo, hi). */
export const uniform = (rng: Rng, r: number, c: number, lo: number, hi: number): Matrix =>
  Matrix.fromFunction(r, c, () => rng.uniform(lo, hi));

/** Entries of random sign with |a| ≥ 0.1: relu's slope is then the same on both sides of a finite-difference step. */
export const awayFromZero = (rng: Rng, r: number, c: number): Matrix =>
  Matrix.fromFunction(r, c, () => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.1, 2));

/** An n×1 column of labels, each drawn from `values`. */
export const labels = (rng: Rng, n: number, values: number[]): Matrix => Matrix.fromFunction(n, 1, () => values[rng.int(values.length)]);
