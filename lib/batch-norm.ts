// Batch normalisation of a layer's pre-activations A (N samples × u units).
// Each column (unit) is standardised over the rows of the batch, then given a
// learned scale γ and shift β — the forward and backward formulas side by side:
//
//   forward (training)                       backward, given G = ∇Y J (N×u)
//   μ_j  = (1/N) Σ_i A_ij                     ∇β_j J = Σ_i G_ij
//   v_j  = (1/N) Σ_i (A_ij − μ_j)²            ∇γ_j J = Σ_i G_ij Â_ij
//   Â_ij = (A_ij − μ_j) / √(v_j + ε)          ∇Â J   = G ⊙ γ            (row γ on every row)
//   Y_ij = γ_j Â_ij + β_j                     ∇A_ij J = (1/√(v_j + ε)) · ( ∇Â_ij − mean_i ∇Â_ij
//                                                                        − Â_ij · mean_i(∇Â_ij Â_ij) )
//
// The two subtracted means are there because every A_ij also moves μ_j and v_j,
// which every other row of column j uses: the batch is one computation, not N.
// In evaluation mode a layer normalises with running averages of μ and v
// collected during training, so a prediction does not depend on the batch.

import { Matrix, ShapeError, assertFinite, shapeOf } from "./matrix";

/** What the forward pass keeps for the backward pass. */
export interface BatchNormCache {
  /** Â, the standardised input, N×u. */
  xHat: Matrix;
  /** 1/√(v_j + ε) per column, 1×u. */
  invStd: Matrix;
}

function checkRow(m: Matrix, u: number, what: string): void {
  if (m.rows !== 1 || m.cols !== u) throw new ShapeError(`batch norm: ${what} must be 1×${u}, got ${shapeOf(m)}`);
}

/** Column means and (biased, divide-by-N) variances of A. */
export function columnMeanAndVariance(A: Matrix): { mean: Matrix; variance: Matrix } {
  const { rows: n, cols: u } = A;
  if (n === 0) throw new RangeError("batch norm: the batch is empty (0 rows)");
  const mean = Matrix.zeros(1, u);
  const variance = Matrix.zeros(1, u);
  for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) mean.data[j] += A.data[i * u + j] / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < u; j++) variance.data[j] += (A.data[i * u + j] - mean.data[j]) ** 2 / n;
  }
  return { mean, variance };
}

/** Y = γ ⊙ (A − μ)/√(v + ε) + β with the given column statistics μ, v (rows 1×u). */
function normalise(A: Matrix, mean: Matrix, variance: Matrix, gamma: Matrix, beta: Matrix, eps: number): { Y: Matrix; cache: BatchNormCache } {
  const invStd = variance.map((v) => 1 / Math.sqrt(v + eps));
  const xHat = A.map((a, _i, j) => (a - mean.data[j]) * invStd.data[j]);
  const Y = xHat.map((x, _i, j) => gamma.data[j] * x + beta.data[j]);
  return { Y, cache: { xHat, invStd } };
}

/** Training-mode forward pass: normalise with the batch's own mean and variance. */
export function batchNormForward(A: Matrix, gamma: Matrix, beta: Matrix, eps = 1e-5): { Y: Matrix; cache: BatchNormCache; mean: Matrix; variance: Matrix } {
  checkRow(gamma, A.cols, "γ (gamma)");
  checkRow(beta, A.cols, "β (beta)");
  assertFinite(A, "batch norm input");
  if (A.rows < 2) throw new RangeError("batch norm: training mode needs a batch of at least 2 rows (one row has variance 0)");
  const { mean, variance } = columnMeanAndVariance(A);
  return { ...normalise(A, mean, variance, gamma, beta, eps), mean, variance };
}

/** Backward pass: ∇A J, ∇γ J and ∇β J from G = ∇Y J (formulas at the top of the file). */
export function batchNormBackward(G: Matrix, gamma: Matrix, cache: BatchNormCache): { gradA: Matrix; gradGamma: Matrix; gradBeta: Matrix } {
  const { xHat, invStd } = cache;
  const { rows: n, cols: u } = xHat;
  if (G.rows !== n || G.cols !== u) throw new ShapeError(`batch norm backward: G is ${shapeOf(G)} but the layer output is ${n}×${u}`);
  checkRow(gamma, u, "γ (gamma)");
  const gradBeta = Matrix.zeros(1, u);
  const gradGamma = Matrix.zeros(1, u);
  const meanGradXHat = Matrix.zeros(1, u); // mean_i ∇Â_ij
  const meanGradXHatXHat = Matrix.zeros(1, u); // mean_i (∇Â_ij Â_ij)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < u; j++) {
      const g = G.data[i * u + j], x = xHat.data[i * u + j];
      gradBeta.data[j] += g;
      gradGamma.data[j] += g * x;
      meanGradXHat.data[j] += (g * gamma.data[j]) / n;
      meanGradXHatXHat.data[j] += (g * gamma.data[j] * x) / n;
    }
  }
  const gradA = G.map((g, i, j) => {
    const x = xHat.data[i * u + j];
    return invStd.data[j] * (g * gamma.data[j] - meanGradXHat.data[j] - x * meanGradXHatXHat.data[j]);
  });
  return { gradA, gradGamma, gradBeta };
}

export interface BatchNormOptions {
  /** ε added to the variance before the square root (default 1e-5, as torch). */
  eps?: number;
  /** Weight of the newest batch in the running averages (default 0.1, as torch). */
  momentum?: number;
}

/**
 * A batch-normalisation layer for u units: γ (starts at 1) and β (starts at
 * 0) are learned; runningMean / runningVariance are averages of the batch
 * statistics seen in training, used instead of them in evaluation mode.
 * (The running variance is the divide-by-N one; torch keeps N/(N−1) times it.)
 */
export class BatchNorm {
  readonly units: number;
  readonly eps: number;
  readonly momentum: number;
  gamma: Matrix;
  beta: Matrix;
  runningMean: Matrix;
  runningVariance: Matrix;
  private cache: BatchNormCache | null = null;

  constructor(units: number, options: BatchNormOptions = {}) {
    if (!Number.isInteger(units) || units <= 0) throw new RangeError(`BatchNorm: units must be a positive integer, got ${units}`);
    this.units = units;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    if (!(this.eps >= 0 && Number.isFinite(this.eps))) throw new RangeError(`BatchNorm: eps must be a finite number ≥ 0, got ${this.eps}`);
    if (!(this.momentum > 0 && this.momentum <= 1)) throw new RangeError(`BatchNorm: momentum must be in (0, 1], got ${this.momentum}`);
    this.gamma = Matrix.ones(1, units);
    this.beta = Matrix.zeros(1, units);
    this.runningMean = Matrix.zeros(1, units);
    this.runningVariance = Matrix.ones(1, units);
  }

  /** Training: batch statistics (and the running averages move). Evaluation: the running averages. */
  forward(A: Matrix, mode: "train" | "eval" = "train"): Matrix {
    if (A.cols !== this.units) throw new ShapeError(`BatchNorm: input has ${A.cols} columns, the layer has ${this.units} units`);
    if (mode === "eval") {
      assertFinite(A, "batch norm input");
      this.cache = null; // nothing to differentiate in evaluation mode
      return normalise(A, this.runningMean, this.runningVariance, this.gamma, this.beta, this.eps).Y;
    }
    if (mode !== "train") throw new RangeError(`BatchNorm.forward: mode must be "train" or "eval", got "${mode}"`);
    const out = batchNormForward(A, this.gamma, this.beta, this.eps);
    const m = this.momentum;
    this.runningMean = this.runningMean.map((r, _i, j) => (1 - m) * r + m * out.mean.data[j]);
    this.runningVariance = this.runningVariance.map((r, _i, j) => (1 - m) * r + m * out.variance.data[j]);
    this.cache = out.cache;
    return out.Y;
  }

  /** ∇A J from ∇Y J for the last training-mode forward pass; also returns ∇γ J and ∇β J. */
  backward(G: Matrix): { gradA: Matrix; gradGamma: Matrix; gradBeta: Matrix } {
    if (this.cache === null) throw new Error("BatchNorm.backward: call forward(A, \"train\") first");
    return batchNormBackward(G, this.gamma, this.cache);
  }

  /** The learned parameters [γ, β] (the matrices themselves, for an optimiser). */
  parameters(): Matrix[] {
    return [this.gamma, this.beta];
  }
}
