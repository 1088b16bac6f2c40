// Input scaling, so that values flowing into the network have a controlled
// size. Both scalers learn their statistics with `fit` on the TRAINING data
// only, then apply the very same transformation to validation and test data
// (fitting on all data would leak information from the test set).

import { Matrix, ShapeError, assertFinite } from "../matrix";

function checkColumns(X: Matrix, cols: number, where: string): void {
  if (X.cols !== cols) throw new ShapeError(`${where}: X has ${X.cols} columns but the scaler was fitted on ${cols}`);
}

/**
 * Standardisation: x' = (x − μ) / σ per column, where
 *   μ = (1/N) Σ xᵢ  and  σ = √( (1/(N−1)) Σ (xᵢ − μ)² )   (N − 1, as in the notes).
 * A column with σ = 0 (the same value in every training row) cannot be
 * divided by its spread: its σ is stored as 1, so it becomes x − μ, which is
 * 0 on the training data.
 */
export class Standardizer {
  /** Column means μ, 1×d (set by fit). */
  mean: Matrix | null = null;
  /** Column standard deviations σ, 1×d, with 1 in place of 0 (set by fit). */
  sd: Matrix | null = null;
  /** Indices of the columns whose training σ was 0. */
  constantColumns: number[] = [];

  fit(X: Matrix): this {
    assertFinite(X, "Standardizer.fit: X");
    if (X.rows < 2) throw new RangeError(`Standardizer.fit: need at least 2 rows to estimate a standard deviation with N − 1, got ${X.rows}`);
    const n = X.rows, d = X.cols;
    const mean = new Matrix(1, d);
    const sd = new Matrix(1, d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean.data[j] += X.data[i * d + j] / n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const dev = X.data[i * d + j] - mean.data[j];
        sd.data[j] += (dev * dev) / (n - 1);
      }
    }
    this.constantColumns = [];
    for (let j = 0; j < d; j++) {
      sd.data[j] = Math.sqrt(sd.data[j]);
      if (sd.data[j] === 0) {
        sd.data[j] = 1;
        this.constantColumns.push(j);
      }
    }
    this.mean = mean;
    this.sd = sd;
    return this;
  }

  transform(X: Matrix): Matrix {
    const { mean, sd } = this.fitted("transform");
    checkColumns(X, mean.cols, "Standardizer.transform");
    return X.map((x, _i, j) => (x - mean.data[j]) / sd.data[j]);
  }

  fitTransform(X: Matrix): Matrix {
    return this.fit(X).transform(X);
  }

  /** Back to the original units: x = x'·σ + μ. */
  inverseTransform(Z: Matrix): Matrix {
    const { mean, sd } = this.fitted("inverseTransform");
    checkColumns(Z, mean.cols, "Standardizer.inverseTransform");
    return Z.map((z, _i, j) => z * sd.data[j] + mean.data[j]);
  }

  private fitted(op: string): { mean: Matrix; sd: Matrix } {
    if (!this.mean || !this.sd) throw new Error(`Standardizer.${op}: call fit(trainingX) first`);
    return { mean: this.mean, sd: this.sd };
  }
}

/**
 * Min-max normalisation to [l, u] (default [0, 1]) per column:
 *   x' = (x − min) / (max − min) · (u − l) + l
 * using the training min and max. Values outside the training range map
 * outside [l, u]. A constant column (max = min) maps to l.
 */
export class MinMaxScaler {
  readonly lower: number;
  readonly upper: number;
  min: Matrix | null = null;
  max: Matrix | null = null;

  constructor(range: [lower: number, upper: number] = [0, 1]) {
    const [l, u] = range;
    if (!(Number.isFinite(l) && Number.isFinite(u) && l < u)) {
      throw new RangeError(`MinMaxScaler: range must be two finite numbers lower < upper, got [${l}, ${u}]`);
    }
    this.lower = l;
    this.upper = u;
  }

  fit(X: Matrix): this {
    assertFinite(X, "MinMaxScaler.fit: X");
    if (X.rows === 0) throw new RangeError("MinMaxScaler.fit: X has no rows");
    const d = X.cols;
    const min = Matrix.filled(1, d, Infinity);
    const max = Matrix.filled(1, d, -Infinity);
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < d; j++) {
        const x = X.data[i * d + j];
        if (x < min.data[j]) min.data[j] = x;
        if (x > max.data[j]) max.data[j] = x;
      }
    }
    this.min = min;
    this.max = max;
    return this;
  }

  transform(X: Matrix): Matrix {
    const { min, max } = this.fitted("transform");
    checkColumns(X, min.cols, "MinMaxScaler.transform");
    const span = this.upper - this.lower;
    return X.map((x, _i, j) => {
      const width = max.data[j] - min.data[j];
      return width === 0 ? this.lower : ((x - min.data[j]) / width) * span + this.lower;
    });
  }

  fitTransform(X: Matrix): Matrix {
    return this.fit(X).transform(X);
  }

  inverseTransform(Z: Matrix): Matrix {
    const { min, max } = this.fitted("inverseTransform");
    checkColumns(Z, min.cols, "MinMaxScaler.inverseTransform");
    const span = this.upper - this.lower;
    return Z.map((z, _i, j) => ((z - this.lower) / span) * (max.data[j] - min.data[j]) + min.data[j]);
  }

  private fitted(op: string): { min: Matrix; max: Matrix } {
    if (!this.min || !this.max) throw new Error(`MinMaxScaler.${op}: call fit(trainingX) first`);
    return { min: this.min, max: this.max };
  }
}
