// The shape every nnlab data set has: inputs X (N×d, one sample per row) and
// targets y (N×1 labels or values, or N×k), row i of y belonging to row i of X.

import { Matrix, ShapeError } from "../matrix";

export interface Dataset {
  X: Matrix;
  y: Matrix;
}

/** Throws unless X and y have the same, non-zero number of rows. */
export function checkDataset(X: Matrix, y: Matrix, where: string): void {
  if (!(X instanceof Matrix) || !(y instanceof Matrix)) {
    throw new TypeError(`${where}: X and y must be Matrix objects (use Matrix.fromRows / Matrix.column)`);
  }
  if (X.rows !== y.rows) {
    throw new ShapeError(`${where}: X has ${X.rows} rows but y has ${y.rows}; they need one row per sample`);
  }
  if (X.rows === 0) throw new RangeError(`${where}: the data set is empty (0 samples)`);
}

/** The samples at `indices`, as a new data set (rows copied). */
export function subset(data: Dataset, indices: ArrayLike<number>): Dataset {
  return { X: data.X.selectRows(indices), y: data.y.selectRows(indices) };
}
