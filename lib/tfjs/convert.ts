// Matrix ↔ tfjs tensor. Both are row-major with one sample per row, so a
// conversion is a copy of the numbers (and, into tfjs, a rounding from
// float64 to float32: tfjs computes in single precision).
import type * as tfTypes from "@tensorflow/tfjs";
import { Matrix } from "../matrix";
import { tfjs } from "./backend";

export type TensorDtype = "float32" | "int32";

/**
 * A rank-2 tensor with m's shape and values. "int32" is for class labels and
 * requires integer values (tfjs would silently truncate 1.5 to 1).
 */
export function toTensor(m: Matrix, dtype: TensorDtype = "float32"): tfTypes.Tensor2D {
  if (!(m instanceof Matrix)) throw new TypeError("toTensor: expected a Matrix");
  if (dtype !== "float32" && dtype !== "int32") throw new RangeError(`toTensor: dtype must be "float32" or "int32", got "${dtype}"`);
  if (dtype === "int32") {
    const bad = m.data.findIndex((v) => !Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1);
    if (bad >= 0) throw new RangeError(`toTensor: int32 needs integers, entry ${bad} is ${m.data[bad]}`);
  }
  const values = dtype === "int32" ? Int32Array.from(m.data) : Float32Array.from(m.data);
  return tfjs().tensor2d(values, [m.rows, m.cols], dtype);
}

/**
 * The tensor's values as a Matrix (float64). A scalar becomes 1×1, a 1-D
 * tensor of n values an n×1 column (one value per sample), a 2-D tensor
 * keeps its shape. Higher ranks are an error. The tensor is not disposed.
 */
export function fromTensor(t: tfTypes.Tensor): Matrix {
  const shape = t.shape;
  if (shape.length > 2) throw new RangeError(`fromTensor: only tensors of rank ≤ 2 become matrices, got shape [${shape}]`);
  const [rows, cols] = shape.length === 2 ? shape : shape.length === 1 ? [shape[0], 1] : [1, 1];
  return new Matrix(rows, cols, Float64Array.from(t.dataSync() as ArrayLike<number>));
}
