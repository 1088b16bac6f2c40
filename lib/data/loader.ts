// A DataLoader: cuts a data set into minibatches, one epoch at a time.
//
// An epoch visits every sample exactly once. With `shuffle` the order is a
// fresh random permutation at the start of every epoch (drawn from one seeded
// Rng, so a run is reproducible); without it the samples come in row order.
// The last batch is smaller when the batch size does not divide N, unless
// `dropLast` discards it (then those samples are skipped for that epoch).

import { Matrix } from "../matrix";
import { Rng } from "../random";
import { checkDataset } from "./dataset";

export interface Batch {
  X: Matrix;
  y: Matrix;
  /** Row numbers of these samples in the full data set. */
  indices: number[];
}

export interface DataLoaderOptions {
  /** Samples per batch: a positive integer (N gives full-batch, 1 stochastic descent). */
  batchSize: number;
  /** Reshuffle the samples at the start of every epoch (default false). */
  shuffle?: boolean;
  /** Drop the last, smaller batch of each epoch (default false). */
  dropLast?: boolean;
  /** Seed of the shuffling Rng (default 0). */
  seed?: number;
}

export function checkBatchSize(batchSize: number, where: string): void {
  if (typeof batchSize !== "number" || !Number.isInteger(batchSize) || batchSize <= 0) {
    throw new RangeError(`${where}: batch size must be a positive integer, got ${batchSize}`);
  }
}

/**
 * The row indices of each batch of one epoch over n samples: in order, or
 * permuted by `rng` when given.
 */
export function batchIndices(n: number, batchSize: number, options: { rng?: Rng; dropLast?: boolean } = {}): number[][] {
  checkBatchSize(batchSize, "batchIndices");
  const order = options.rng ? options.rng.permutation(n) : Array.from({ length: n }, (_, i) => i);
  const out: number[][] = [];
  for (let start = 0; start < n; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    if (batch.length < batchSize && options.dropLast) break;
    out.push(batch);
  }
  return out;
}

export class DataLoader implements Iterable<Batch> {
  readonly X: Matrix;
  readonly y: Matrix;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** How many epochs have been started (each `for … of` over the loader is one). */
  epoch = 0;
  private readonly rng: Rng;

  constructor(X: Matrix, y: Matrix, options: DataLoaderOptions) {
    checkDataset(X, y, "DataLoader");
    checkBatchSize(options?.batchSize, "DataLoader");
    this.X = X;
    this.y = y;
    this.batchSize = options.batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.rng = new Rng(options.seed ?? 0);
    if (this.dropLast && this.batchSize > X.rows) {
      throw new RangeError(
        `DataLoader: batch size ${this.batchSize} is larger than the ${X.rows} samples, so dropLast would leave no batch at all`,
      );
    }
  }

  /** Number of samples N. */
  get size(): number {
    return this.X.rows;
  }

  /** Batches per epoch: ⌈N/b⌉, or ⌊N/b⌋ with dropLast. */
  get length(): number {
    const n = this.X.rows;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Starts a new epoch: draws its order now, then yields its batches. */
  [Symbol.iterator](): Iterator<Batch> {
    this.epoch += 1;
    const batches = batchIndices(this.X.rows, this.batchSize, {
      rng: this.shuffle ? this.rng : undefined,
      dropLast: this.dropLast,
    });
    let b = 0;
    return {
      next: (): IteratorResult<Batch> => {
        if (b >= batches.length) return { done: true, value: undefined };
        const indices = batches[b++];
        return { done: false, value: { X: this.X.selectRows(indices), y: this.y.selectRows(indices), indices } };
      },
    };
  }

  /** All batches of one new epoch as an array. */
  nextEpoch(): Batch[] {
    return Array.from(this);
  }
}
