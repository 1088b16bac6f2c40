// Early stopping: watch the validation loss after every epoch and stop once
// it has not improved for `patience` epochs; the best epoch is where the
// train/validation gap was right, and its weights are the ones to keep.

export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  /** Lowest validation loss seen so far, and the epoch (0-based) where it was seen. */
  bestLoss = Infinity;
  bestEpoch = -1;
  /** Epochs recorded so far. */
  epochs = 0;

  /**
   * @param patience epochs without improvement before stopping (integer ≥ 1)
   * @param minDelta an improvement must lower the best loss by more than this (≥ 0)
   */
  constructor(patience = 5, minDelta = 0) {
    if (!Number.isInteger(patience) || patience < 1) throw new RangeError(`EarlyStopping: patience must be an integer ≥ 1, got ${patience}`);
    if (!(minDelta >= 0 && Number.isFinite(minDelta))) throw new RangeError(`EarlyStopping: minDelta must be a finite number ≥ 0, got ${minDelta}`);
    this.patience = patience;
    this.minDelta = minDelta;
  }

  /**
   * Records one epoch's validation loss; returns true when training should
   * stop. `improved` tells whether this epoch is the new best (save weights then).
   */
  update(validationLoss: number): boolean {
    if (!Number.isFinite(validationLoss)) throw new RangeError(`EarlyStopping.update: validation loss is ${validationLoss}`);
    if (validationLoss < this.bestLoss - this.minDelta) {
      this.bestLoss = validationLoss;
      this.bestEpoch = this.epochs;
    }
    this.epochs += 1;
    return this.shouldStop;
  }

  /** True when the epoch just recorded is the best so far. */
  get improved(): boolean {
    return this.bestEpoch === this.epochs - 1;
  }

  /** True once `patience` epochs have passed since the best one. */
  get shouldStop(): boolean {
    return this.epochs - 1 - this.bestEpoch >= this.patience;
  }
}
