// Optimisers: rules that turn a gradient into an update of the parameters.
//
// Every optimiser works on a list of parameter matrices (e.g. an MLP's
// `getParameters()`: weights then biases) and the matching list of gradients.
// `step(params, grads)` changes the parameters IN PLACE. Optimisers with
// memory (momentum, accumulated squares, moments) keep one state matrix per
// parameter, matched by position in the list, created on the first step
// (the same bookkeeping as tfjs's `optimizer.applyGradients`).
//
// Formulas are written per entry: g is the gradient, w the parameter, α the
// learning rate; all operations are element-wise. Defaults follow tfjs's
// `tf.train.*` (eps = 1e-7, the float32 backend epsilon), and each doc comment
// says where the lecture notes' version differs.

import { Matrix, ShapeError, assertFinite, shapeOf } from "../matrix";
import { descend } from "../kernels/descend";
import { checkLearningRate } from "./gradient-step";

/** tfjs's default epsilon on a float32 backend (`tf.backend().epsilon()`). */
export const TFJS_EPSILON = 1e-7;

export type OptimizerName = "sgd" | "momentum" | "adagrad" | "rmsprop" | "adam";

export interface Optimizer {
  readonly name: OptimizerName;
  /** The step size α (> 0). */
  readonly learningRate: number;
  /** Updates every `params[k]` in place using `grads[k]`. */
  step(params: Matrix[], grads: Matrix[]): void;
  /** Forgets the state (velocities, accumulators, step count), as if new. */
  reset(): void;
}

function checkUnit(value: number, what: string, where: string): void {
  if (!(value >= 0 && value < 1)) throw new RangeError(`${where}: ${what} must be in [0, 1), got ${value}`);
}

function checkEps(eps: number, where: string): void {
  if (!(eps >= 0 && Number.isFinite(eps))) throw new RangeError(`${where}: eps must be a finite number ≥ 0, got ${eps}`);
}

/** Shared checks and per-parameter state; subclasses write only the update rule. */
abstract class BaseOptimizer implements Optimizer {
  abstract readonly name: OptimizerName;
  readonly learningRate: number;
  /** Number of steps taken so far (Adam's bias correction needs it). */
  iterations = 0;
  /** One list of state matrices per state kind, e.g. state.v[k] for parameter k. */
  protected state: Record<string, Matrix[]> = {};

  constructor(learningRate: number, where: string) {
    checkLearningRate(learningRate, where);
    this.learningRate = learningRate;
  }

  step(params: Matrix[], grads: Matrix[]): void {
    if (params.length !== grads.length) {
      throw new ShapeError(`${this.name}.step: ${params.length} parameters but ${grads.length} gradients`);
    }
    if (params.length === 0) throw new RangeError(`${this.name}.step: no parameters to update`);
    params.forEach((p, k) => {
      const g = grads[k];
      if (p.rows !== g.rows || p.cols !== g.cols) {
        throw new ShapeError(`${this.name}.step: parameter ${k} is ${shapeOf(p)} but its gradient is ${shapeOf(g)}`);
      }
      assertFinite(g, `${this.name}.step: gradient ${k}`);
    });
    this.iterations += 1;
    params.forEach((p, k) => this.update(k, p.data, grads[k].data));
  }

  reset(): void {
    this.iterations = 0;
    this.state = {};
  }

  /** Update parameter k's entries `w` in place from gradient entries `g`. */
  protected abstract update(k: number, w: Float64Array, g: Float64Array): void;

  /** State matrix `kind` for parameter k, created filled with `init` on first use. */
  protected slot(kind: string, k: number, size: number, init = 0): Float64Array {
    const list = (this.state[kind] ??= []);
    if (list[k] === undefined) list[k] = Matrix.filled(1, size, init);
    if (list[k].size !== size) {
      throw new ShapeError(
        `${this.name}.step: parameter ${k} has ${size} entries but had ${list[k].size} on earlier steps (call reset() to start over)`,
      );
    }
    return list[k].data;
  }
}

/**
 * Plain (stochastic) gradient descent: w ← w − α·g.
 * Same as `tf.train.sgd(α)` and the notes' update W ← W − α∇L.
 */
export class SGD extends BaseOptimizer {
  readonly name = "sgd";
  constructor(learningRate: number) {
    super(learningRate, "SGD");
  }
  protected update(_k: number, w: Float64Array, g: Float64Array): void {
    descend(w, g, this.learningRate);
  }
}

export type MomentumForm = "classic" | "average";

/**
 * SGD with momentum: a velocity v (starting at 0) remembers past gradients.
 *
 * - form "classic" (default, = `tf.train.momentum(α, β)` without Nesterov):
 *     v ← β·v + g,         w ← w − α·v
 * - form "average" (the notes' convex combination):
 *     v ← β·v + (1 − β)·g, w ← w − α·v
 *   The notes write ΔW_t = (1 − η)ΔW_{t−1} + η∇Q, so their η is 1 − β here.
 *   The average form's v is (1 − β) times the classic one, so it equals the
 *   classic form with learning rate α(1 − β).
 *
 * Unlike the notes' code (which keeps a separate ΔW per batch index across
 * epochs), there is one velocity per parameter, updated at every step.
 */
export class Momentum extends BaseOptimizer {
  readonly name = "momentum";
  readonly beta: number;
  readonly form: MomentumForm;
  constructor(learningRate: number, beta = 0.9, options: { form?: MomentumForm } = {}) {
    super(learningRate, "Momentum");
    checkUnit(beta, "beta", "Momentum");
    const form = options.form ?? "classic";
    if (form !== "classic" && form !== "average") {
      throw new RangeError(`Momentum: form must be "classic" or "average", got ${String(form)}`);
    }
    this.beta = beta;
    this.form = form;
  }
  protected update(k: number, w: Float64Array, g: Float64Array): void {
    const v = this.slot("velocity", k, w.length);
    const gWeight = this.form === "classic" ? 1 : 1 - this.beta;
    for (let i = 0; i < w.length; i++) {
      v[i] = this.beta * v[i] + gWeight * g[i];
      w[i] -= this.learningRate * v[i];
    }
  }
}

/**
 * Adagrad: each entry's step shrinks with the squared gradients it has seen.
 *     G ← G + g²,   w ← w − α·g / √(G + eps)      (eps INSIDE the root)
 * G starts at `initialAccumulator` (0.1, as `tf.train.adagrad(α, 0.1)`), and
 * eps defaults to 1e-7 (tfjs's backend epsilon). The notes' code starts G at
 * 0 and uses eps = 1e-8, also inside the root.
 */
export class Adagrad extends BaseOptimizer {
  readonly name = "adagrad";
  readonly initialAccumulator: number;
  readonly eps: number;
  constructor(learningRate: number, initialAccumulator = 0.1, eps = TFJS_EPSILON) {
    super(learningRate, "Adagrad");
    if (!(initialAccumulator >= 0 && Number.isFinite(initialAccumulator))) {
      throw new RangeError(`Adagrad: initialAccumulator must be a finite number ≥ 0, got ${initialAccumulator}`);
    }
    checkEps(eps, "Adagrad");
    if (initialAccumulator + eps === 0) throw new RangeError("Adagrad: initialAccumulator and eps cannot both be 0 (division by zero)");
    this.initialAccumulator = initialAccumulator;
    this.eps = eps;
  }
  protected update(k: number, w: Float64Array, g: Float64Array): void {
    const G = this.slot("accumulator", k, w.length, this.initialAccumulator);
    for (let i = 0; i < w.length; i++) {
      G[i] += g[i] * g[i];
      w[i] -= (this.learningRate * g[i]) / Math.sqrt(G[i] + this.eps);
    }
  }
}

/**
 * RMSProp: like Adagrad, but squared gradients are averaged with decay ρ so
 * old ones are forgotten. With s and m starting at 0 (= `tf.train.rmsprop(α,
 * ρ, μ, eps)`, not centred):
 *     s ← ρ·s + (1 − ρ)·g²
 *     m ← μ·m + α·g / √(s + eps)                   (eps INSIDE the root)
 *     w ← w − m
 * With momentum μ = 0 this is w ← w − α·g/√(s + eps). Defaults ρ = 0.9, eps = 1e-7.
 * The notes' version (their γ is ρ) uses one number per weight matrix, the
 * squared norm of the whole gradient, starts it at 1 and has no eps; here, as
 * in tfjs and torch, every entry has its own s.
 */
export class RMSProp extends BaseOptimizer {
  readonly name = "rmsprop";
  readonly decay: number;
  readonly eps: number;
  readonly momentum: number;
  constructor(learningRate: number, decay = 0.9, eps = TFJS_EPSILON, momentum = 0) {
    super(learningRate, "RMSProp");
    checkUnit(decay, "decay", "RMSProp");
    checkEps(eps, "RMSProp");
    checkUnit(momentum, "momentum", "RMSProp");
    this.decay = decay;
    this.eps = eps;
    this.momentum = momentum;
  }
  protected update(k: number, w: Float64Array, g: Float64Array): void {
    const s = this.slot("meanSquare", k, w.length);
    const m = this.slot("moment", k, w.length);
    for (let i = 0; i < w.length; i++) {
      s[i] = this.decay * s[i] + (1 - this.decay) * g[i] * g[i];
      m[i] = this.momentum * m[i] + (this.learningRate * g[i]) / Math.sqrt(s[i] + this.eps);
      w[i] -= m[i];
    }
  }
}

/**
 * Adam: momentum on the gradient (first moment m) and RMSProp-style scaling
 * (second moment v), both bias-corrected for their zero start. At step t = 1, 2, …:
 *     m ← β₁·m + (1 − β₁)·g,    v ← β₂·v + (1 − β₂)·g²
 *     m̂ = m / (1 − β₁ᵗ),        v̂ = v / (1 − β₂ᵗ)
 *     w ← w − α·m̂ / (√v̂ + eps)                     (eps OUTSIDE the root)
 * Defaults β₁ = 0.9, β₂ = 0.999, eps = 1e-7 (= `tf.train.adam(α, β₁, β₂)`;
 * torch's default eps is 1e-8).
 */
export class Adam extends BaseOptimizer {
  readonly name = "adam";
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, eps = TFJS_EPSILON) {
    super(learningRate, "Adam");
    checkUnit(beta1, "beta1", "Adam");
    checkUnit(beta2, "beta2", "Adam");
    checkEps(eps, "Adam");
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }
  protected update(k: number, w: Float64Array, g: Float64Array): void {
    const m = this.slot("firstMoment", k, w.length);
    const v = this.slot("secondMoment", k, w.length);
    const t = this.iterations;
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    for (let i = 0; i < w.length; i++) {
      m[i] = this.beta1 * m[i] + (1 - this.beta1) * g[i];
      v[i] = this.beta2 * v[i] + (1 - this.beta2) * g[i] * g[i];
      w[i] -= (this.learningRate * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + this.eps);
    }
  }
}

export interface OptimizerOptions {
  /** Momentum: β (default 0.9). */
  beta?: number;
  /** Momentum: "classic" or "average". */
  form?: MomentumForm;
  /** Adagrad: starting value of the accumulator (default 0.1). */
  initialAccumulator?: number;
  /** RMSProp: decay ρ (default 0.9). */
  decay?: number;
  /** RMSProp: momentum μ (default 0). */
  momentum?: number;
  /** Adam: β₁ (default 0.9) and β₂ (default 0.999). */
  beta1?: number;
  beta2?: number;
  /** Adagrad / RMSProp / Adam: eps (default 1e-7). */
  eps?: number;
}

/** An optimiser by name, e.g. `createOptimizer("adam", 0.001)`. */
export function createOptimizer(name: OptimizerName, learningRate: number, o: OptimizerOptions = {}): Optimizer {
  switch (name) {
    case "sgd":
      return new SGD(learningRate);
    case "momentum":
      return new Momentum(learningRate, o.beta, { form: o.form });
    case "adagrad":
      return new Adagrad(learningRate, o.initialAccumulator, o.eps);
    case "rmsprop":
      return new RMSProp(learningRate, o.decay, o.eps, o.momentum);
    case "adam":
      return new Adam(learningRate, o.beta1, o.beta2, o.eps);
    default:
      throw new RangeError(`createOptimizer: unknown optimiser "${String(name)}" (sgd, momentum, adagrad, rmsprop, adam)`);
  }
}
