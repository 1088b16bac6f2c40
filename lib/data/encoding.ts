// Label codings. Losses expect different label formats (see lib/losses.ts):
// class indices 0..C−1 (softmax cross-entropy), {0, 1} (binary cross-entropy)
// and {−1, 1} (logistic loss). These helpers convert between them.

import { Matrix, shapeOf } from "../matrix";

function labelList(labels: Matrix | readonly number[], where: string): ArrayLike<number> {
  if (labels instanceof Matrix) {
    if (labels.cols !== 1) throw new RangeError(`${where}: labels must be an N×1 column, got ${shapeOf(labels)}`);
    return labels.data;
  }
  return labels;
}

/** Row i gets a 1 in column labels[i] and 0 elsewhere: N labels in 0..C−1 → N×C. */
export function oneHot(labels: Matrix | readonly number[], classes: number): Matrix {
  if (!Number.isInteger(classes) || classes <= 0) {
    throw new RangeError(`oneHot: the number of classes must be a positive integer, got ${classes}`);
  }
  const ys = labelList(labels, "oneHot");
  const out = new Matrix(ys.length, classes);
  for (let i = 0; i < ys.length; i++) {
    const k = ys[i];
    if (!Number.isInteger(k) || k < 0 || k >= classes) {
      throw new RangeError(`oneHot: label ${k} at row ${i} is not a class index 0..${classes - 1}`);
    }
    out.data[i * classes + k] = 1;
  }
  return out;
}

/** {0, 1} labels → {−1, 1} (0 ↦ −1), the coding of the logistic loss. */
export function toPlusMinusOne(labels: Matrix | readonly number[]): Matrix {
  const ys = labelList(labels, "toPlusMinusOne");
  return Matrix.column(
    Array.from(ys, (v, i) => {
      if (v !== 0 && v !== 1) throw new RangeError(`toPlusMinusOne: label ${v} at row ${i} is not 0 or 1`);
      return 2 * v - 1;
    }),
  );
}

/** {−1, 1} labels → {0, 1} (−1 ↦ 0), the coding of binary cross-entropy. */
export function toZeroOne(labels: Matrix | readonly number[]): Matrix {
  const ys = labelList(labels, "toZeroOne");
  return Matrix.column(
    Array.from(ys, (v, i) => {
      if (v !== -1 && v !== 1) throw new RangeError(`toZeroOne: label ${v} at row ${i} is not −1 or 1`);
      return (v + 1) / 2;
    }),
  );
}
