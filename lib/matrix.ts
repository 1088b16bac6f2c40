// Dense row-major Float64 matrices: the one numerical kernel under nnlab.
//
// Convention used everywhere in the library: one sample per ROW. A batch of
// N inputs with d features is an N×d matrix, a weight matrix from a layer of
// u units to a layer of v units is u×v, and an intercept is a 1×v row that is
// broadcast over the N rows (the same layout as tfjs `dense` kernels).
//
// Every operation checks shapes first; a mismatch throws a ShapeError that
// names the operation and both shapes, e.g. "matMul: 3×2 and 3×4 do not fit".
//
// Speed details live in lib/kernels/: the zeroed storage new matrices get and
// the fast kernel behind matMul.
import { allFinite } from "./kernels/finite";
import { fastProduct } from "./kernels/product";
import { allocateData } from "./kernels/storage";

export { allocateData } from "./kernels/storage";
export { fastProductsAvailable, useFastProducts, useProductThreads } from "./kernels/product";
export type { ProductThreads } from "./kernels/product";

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShapeError";
  }
}

export type Shape = [rows: number, cols: number];

/** "3×2": how every error message names a matrix's shape. */
export function shapeOf(m: { rows: number; cols: number }): string {
  return `${m.rows}×${m.cols}`;
}

export class Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Entry (i, j) lives at data[i * cols + j]. */
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array | ArrayLike<number>) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new ShapeError(`Matrix: shape must be two non-negative integers, got ${rows}×${cols}`);
    }
    this.rows = rows;
    this.cols = cols;
    if (data === undefined) {
      this.data = allocateData(rows * cols);
    } else {
      if (data.length !== rows * cols) {
        throw new ShapeError(`Matrix: ${data.length} values cannot fill a ${rows}×${cols} matrix`);
      }
      this.data = data instanceof Float64Array ? data : Float64Array.from(data);
    }
  }

  get shape(): Shape {
    return [this.rows, this.cols];
  }

  get size(): number {
    return this.rows * this.cols;
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  static filled(rows: number, cols: number, value: number): Matrix {
    return new Matrix(rows, cols, new Float64Array(rows * cols).fill(value));
  }

  static ones(rows: number, cols: number): Matrix {
    return Matrix.filled(rows, cols, 1);
  }

  static identity(n: number): Matrix {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /** From nested arrays, one inner array per row: `Matrix.fromRows([[1, 2], [3, 4]])`. */
  static fromRows(rows: readonly (readonly number[])[]): Matrix {
    const r = rows.length;
    const c = r === 0 ? 0 : rows[0].length;
    const m = new Matrix(r, c);
    rows.forEach((row, i) => {
      if (row.length !== c) {
        throw new ShapeError(`Matrix.fromRows: row ${i} has ${row.length} values, row 0 has ${c}`);
      }
      m.data.set(row, i * c);
    });
    return m;
  }

  /** An n×1 column, e.g. a vector of labels. */
  static column(values: ArrayLike<number>): Matrix {
    return new Matrix(values.length, 1, Float64Array.from(values));
  }

  /** A 1×n row, e.g. an intercept vector. */
  static row(values: ArrayLike<number>): Matrix {
    return new Matrix(1, values.length, Float64Array.from(values));
  }

  static fromFunction(rows: number, cols: number, f: (i: number, j: number) => number): Matrix {
    const m = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.data[i * cols + j] = f(i, j);
    return m;
  }

  get(i: number, j: number): number {
    this.checkIndex(i, j);
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, value: number): void {
    this.checkIndex(i, j);
    this.data[i * this.cols + j] = value;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }

  /** All entries in row-major order as a plain array. */
  toFlatArray(): number[] {
    return Array.from(this.data);
  }

  /** The rows at `indices`, in that order (used to cut minibatches). */
  selectRows(indices: ArrayLike<number>): Matrix {
    const out = new Matrix(indices.length, this.cols);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!Number.isInteger(i) || i < 0 || i >= this.rows) {
        throw new RangeError(`selectRows: row index ${i} is outside 0..${this.rows - 1}`);
      }
      out.data.set(this.data.subarray(i * this.cols, (i + 1) * this.cols), k * this.cols);
    }
    return out;
  }

  /** Columns [start, end) as a new matrix. */
  sliceCols(start: number, end: number = this.cols): Matrix {
    if (start < 0 || end > this.cols || start > end) {
      throw new RangeError(`sliceCols: [${start}, ${end}) is outside the ${this.cols} columns`);
    }
    return Matrix.fromFunction(this.rows, end - start, (i, j) => this.data[i * this.cols + start + j]);
  }

  map(f: (value: number, i: number, j: number) => number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++) {
        const k = i * this.cols + j;
        out.data[k] = f(this.data[k], i, j);
      }
    }
    return out;
  }

  toString(digits = 4): string {
    const rows = this.toArray().map((r) => "  [" + r.map((v) => v.toFixed(digits)).join(", ") + "]");
    return `Matrix ${shapeOf(this)}\n` + rows.join("\n");
  }

  private checkIndex(i: number, j: number): void {
    if (!(i >= 0 && i < this.rows && j >= 0 && j < this.cols && Number.isInteger(i) && Number.isInteger(j))) {
      throw new RangeError(`index (${i}, ${j}) is outside a ${shapeOf(this)} matrix`);
    }
  }
}

// ---------------------------------------------------------------- checks

export function assertSameShape(op: string, a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(`${op}: shapes ${shapeOf(a)} and ${shapeOf(b)} differ`);
  }
}

/** Throws if any entry is NaN or ±Infinity; `what` names the offending input. */
export function assertFinite(m: Matrix, what: string): void {
  if (allFinite(m.data)) return; // the common case, in a quick pass (lib/kernels/finite.ts)
  const d = m.data;
  for (let k = 0; k < d.length; k++) {
    if (!Number.isFinite(d[k])) {
      const i = Math.floor(k / m.cols);
      throw new RangeError(`${what} has a non-finite value ${d[k]} at (${i}, ${k % m.cols})`);
    }
  }
}

// ---------------------------------------------------------------- products

/**
 * C = A·B: entry (i, j) is row i of A times column j of B, c_ij = Σ_k a_ik·b_kj.
 * The triple loop is the definition. All but the tiniest products are handed
 * to the fast kernel (lib/kernels/product.ts: WebAssembly SIMD, zeros of A
 * skipped), which sums each entry in the same order: the same numbers for
 * finite entries. `useFastProducts(false)` runs this loop instead.
 */
export function matMul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new ShapeError(`matMul: ${shapeOf(a)} and ${shapeOf(b)} do not fit (${a.cols} ≠ ${b.rows})`);
  const fast = fastProduct("AB", a.data, b.data, a.rows, a.cols, b.cols);
  if (fast !== null) return new Matrix(a.rows, b.cols, fast);
  const c = new Matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let sum = 0;
      for (let k = 0; k < a.cols; k++) sum += a.data[i * a.cols + k] * b.data[k * b.cols + j];
      c.data[i * c.cols + j] = sum;
    }
  }
  return c;
}

export function transpose(a: Matrix): Matrix {
  const out = new Matrix(a.cols, a.rows);
  const A = a.data, T = out.data, r = a.rows, c = a.cols;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) T[j * r + i] = A[i * c + j];
  return out;
}

/**
 * Aᵀ·B without building Aᵀ (backprop's rule 1, h(l−1)ᵀ · ∇a(l) J): the same
 * numbers as matMul(transpose(a), b).
 */
export function matMulTransposeA(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw new ShapeError(`matMulTransposeA: ${shapeOf(a)}ᵀ and ${shapeOf(b)} do not fit (${a.rows} ≠ ${b.rows})`);
  const fast = fastProduct("AtB", a.data, b.data, a.cols, a.rows, b.cols);
  return fast !== null ? new Matrix(a.cols, b.cols, fast) : matMul(transpose(a), b);
}

/**
 * A·Bᵀ without building Bᵀ (backprop's rule 3, ∇a(l+1) J · W(l+1)ᵀ): the
 * same numbers as matMul(a, transpose(b)).
 */
export function matMulTransposeB(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols) throw new ShapeError(`matMulTransposeB: ${shapeOf(a)} and ${shapeOf(b)}ᵀ do not fit (${a.cols} ≠ ${b.cols})`);
  const fast = fastProduct("ABt", a.data, b.data, a.rows, a.cols, b.rows);
  return fast !== null ? new Matrix(a.rows, b.rows, fast) : matMul(a, transpose(b));
}

// ---------------------------------------------------------------- element-wise

/**
 * Element-wise combination of two matrices of one shape, or of an N×c
 * matrix with a 1×c row that is repeated for every row (intercepts), or
 * with a 1×1 scalar matrix.
 */
export function zip(op: string, a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  const out = new Matrix(a.rows, a.cols);
  const A = a.data, B = b.data, O = out.data;
  if (a.rows === b.rows && a.cols === b.cols) {
    for (let k = 0; k < A.length; k++) O[k] = f(A[k], B[k]);
  } else if (b.rows === 1 && b.cols === a.cols) {
    for (let i = 0; i < a.rows; i++) {
      const off = i * a.cols;
      for (let j = 0; j < a.cols; j++) O[off + j] = f(A[off + j], B[j]);
    }
  } else if (b.rows === 1 && b.cols === 1) {
    const y = B[0];
    for (let k = 0; k < A.length; k++) O[k] = f(A[k], y);
  } else {
    throw new ShapeError(`${op}: shapes ${shapeOf(a)} and ${shapeOf(b)} differ (the right side may also be a 1×${a.cols} row)`);
  }
  return out;
}

/** a + b; b may be a 1×cols row broadcast over the rows (an intercept). */
export const add = (a: Matrix, b: Matrix): Matrix => zip("add", a, b, (x, y) => x + y);
/** a − b; b may be a 1×cols row broadcast over the rows. */
export const sub = (a: Matrix, b: Matrix): Matrix => zip("sub", a, b, (x, y) => x - y);
/** Element-wise (Hadamard) product a ⊙ b. */
export const mul = (a: Matrix, b: Matrix): Matrix => zip("mul", a, b, (x, y) => x * y);
/** Element-wise quotient a / b. */
export const div = (a: Matrix, b: Matrix): Matrix => zip("div", a, b, (x, y) => x / y);

export function scale(a: Matrix, s: number): Matrix {
  const out = new Matrix(a.rows, a.cols);
  for (let k = 0; k < a.data.length; k++) out.data[k] = a.data[k] * s;
  return out;
}

export const map = (a: Matrix, f: (value: number, i: number, j: number) => number): Matrix => a.map(f);

// ---------------------------------------------------------------- reductions

/** Sum of every entry. */
export function sum(a: Matrix): number {
  let s = 0;
  for (let k = 0; k < a.data.length; k++) s += a.data[k];
  return s;
}

/** Mean of every entry (NaN for an empty matrix). */
export const mean = (a: Matrix): number => sum(a) / a.size;

/** Sums down each column: N×c → 1×c (the gradient of a broadcast intercept). */
export function sumRows(a: Matrix): Matrix {
  const out = new Matrix(1, a.cols);
  for (let i = 0; i < a.rows; i++) {
    const off = i * a.cols;
    for (let j = 0; j < a.cols; j++) out.data[j] += a.data[off + j];
  }
  return out;
}

/** Index of the largest entry in each row (predicted class). */
export function argmaxRows(a: Matrix): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.rows; i++) {
    let best = 0;
    for (let j = 1; j < a.cols; j++) if (a.data[i * a.cols + j] > a.data[i * a.cols + best]) best = j;
    out.push(best);
  }
  return out;
}

// ---------------------------------------------------------------- stacking

/** [a | b]: the columns of b to the right of a's (e.g. a column of ones). */
export function hstack(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw new ShapeError(`hstack: ${shapeOf(a)} and ${shapeOf(b)} have different row counts`);
  const c = a.cols + b.cols;
  const out = new Matrix(a.rows, c);
  for (let i = 0; i < a.rows; i++) {
    out.data.set(a.data.subarray(i * a.cols, (i + 1) * a.cols), i * c);
    out.data.set(b.data.subarray(i * b.cols, (i + 1) * b.cols), i * c + a.cols);
  }
  return out;
}

/** a on top of b. */
export function vstack(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols) throw new ShapeError(`vstack: ${shapeOf(a)} and ${shapeOf(b)} have different column counts`);
  const out = new Matrix(a.rows + b.rows, a.cols);
  out.data.set(a.data, 0);
  out.data.set(b.data, a.data.length);
  return out;
}

// ---------------------------------------------------------------- comparison

/** Largest |a − b| over all entries (shapes must agree). */
export function maxAbsDiff(a: Matrix, b: Matrix): number {
  assertSameShape("maxAbsDiff", a, b);
  let m = 0;
  for (let k = 0; k < a.data.length; k++) m = Math.max(m, Math.abs(a.data[k] - b.data[k]));
  return m;
}
