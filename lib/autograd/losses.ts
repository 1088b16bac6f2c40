// Loss Operations: the last node of a training graph. Each takes the
// network's scores and an InitialNode of labels and returns the 1×1 MEAN loss
// over the batch, so that `loss.backward()` starts the back-propagation.
//
// The formulas and label checks are those of the hand-coded losses
// (lib/losses.ts, "mean" reduction): one source, so both routes agree exactly.
// Each class has the name of its hand-coded loss (`losses.logistic_loss`, …).
// Labels are constants of the graph: they receive a zero gradient (square_loss's
// real-valued targets get the opposite of the predictions' gradient).

import { Loss, LossName, lossNamed } from "../losses";
import * as M from "../matrix";
import { Matrix } from "../matrix";
import { Node, Operation } from "./node";

export { softplus } from "../activations";

/** The mean loss of `loss` on (scores, labels) and its gradient, scaled by the upstream G. */
abstract class LossOperation extends Operation {
  protected abstract readonly lossName: LossName;

  constructor(scores: Node, labels: Node) {
    super(scores, labels);
  }
  /** The shared loss, with this op's name in its error messages (a getter, not a field, so the value and bad labels come at `new`). */
  protected get shared(): Loss {
    return lossNamed(this.lossName, this.opName);
  }
  protected forward(A: Matrix, y: Matrix): Matrix {
    return new Matrix(1, 1, [this.shared.value(A, y, "mean")]);
  }
  /** ∂J/∂A from the shared formula, times G; the labels' gradient is zero. */
  gradient(): Matrix[] {
    const [A, y] = this.inputs.map((n) => n.value);
    return [M.scale(this.shared.gradient(A, y, "mean"), this.g.data[0]), Matrix.zeros(y.rows, y.cols)];
  }
}

/**
 * logistic_loss(A, y) with labels y ∈ {−1, 1}: mean over the batch of
 * J_i = log(1 + exp(−y_i·A_i)) = softplus(−y_i·A_i);
 * ∂J_i/∂A_i = −y_i·σ(−y_i·A_i).
 */
export class logistic_loss extends LossOperation {
  protected get lossName(): LossName {
    return "logistic_loss";
  }
}

/**
 * bce_with_logits(A, y) with labels y ∈ {0, 1}: binary cross-entropy of the
 * probability σ(A), mean of softplus(A) − y·A (the {0,1}-coded twin of
 * logistic_loss: the same number for y = 1 ↔ +1 and y = 0 ↔ −1);
 * ∂/∂A_i = σ(A_i) − y_i.
 */
export class bce_with_logits extends LossOperation {
  protected get lossName(): LossName {
    return "bce_with_logits";
  }
}

/**
 * softmax_cross_entropy(Z, y): Z is N×C (one score per class), y is N×1 of
 * class indices 0..C−1. Per sample, −log softmax(z)_y = L − z_y with
 * L = log Σ_j exp(z_j) by the log-sum-exp trick; ∂/∂z_k = softmax(z)_k − I[y = k].
 */
export class softmax_cross_entropy extends LossOperation {
  protected get lossName(): LossName {
    return "softmax_cross_entropy";
  }
}

/**
 * square_loss(A, Y): mean over the batch of the square loss Σ_k (A_ik − Y_ik)²,
 * i.e. the notes' regression graph mean(square(diff(A, Y))) in one node (the
 * mean squared error), except that with k > 1 outputs the errors of a sample
 * are summed, not averaged. Y is a real target of A's shape.
 */
export class square_loss extends LossOperation {
  protected get lossName(): LossName {
    return "square_loss";
  }
  /** ∂/∂A = 2(A − Y)/N; targets are real, so they get the opposite gradient. */
  gradient(): Matrix[] {
    const [gA] = super.gradient();
    return [gA, M.scale(gA, -1)];
  }
}
