// Learning-rate schedules: the step size α_t as a function of the step (or
// epoch) number t = 0, 1, 2, … Large steps early cover ground; small steps
// late let the weights settle instead of bouncing around a minimum.
//
//   constant      α_t = α₀
//   step          α_t = α₀ · factor^⌊t / every⌋          (drops by `factor` every `every` steps)
//   exponential   α_t = α₀ · rate^t                      (a smooth version of step)
//   cosine        α_t = α_min + (α₀ − α_min) · (1 + cos(π t / T)) / 2   for t ≤ T, then α_min
//
// A schedule is a plain function, so a training loop asks it for α_t and
// builds its update with that value.

import { checkLearningRate } from "./optim/gradient-step";

/** α_t for t = 0, 1, 2, … (steps or epochs, as the caller counts them). */
export type LearningRateSchedule = (t: number) => number;

function checkStepNumber(t: number, where: string): void {
  if (!Number.isInteger(t) || t < 0) throw new RangeError(`${where}: the step number must be an integer ≥ 0, got ${t}`);
}

function checkFactor(value: number, what: string, where: string): void {
  if (!(value > 0 && value <= 1)) throw new RangeError(`${where}: ${what} must be in (0, 1], got ${value}`);
}

/** α_t = α₀ for every t. */
export function constantSchedule(lr: number): LearningRateSchedule {
  checkLearningRate(lr, "constantSchedule");
  return (t) => {
    checkStepNumber(t, "constantSchedule");
    return lr;
  };
}

/** α_t = α₀ · factor^⌊t / every⌋, e.g. halve the step every 10 epochs. */
export function stepSchedule(lr: number, options: { every: number; factor?: number }): LearningRateSchedule {
  checkLearningRate(lr, "stepSchedule");
  const factor = options.factor ?? 0.5;
  checkFactor(factor, "factor", "stepSchedule");
  if (!Number.isInteger(options.every) || options.every < 1) {
    throw new RangeError(`stepSchedule: every must be a positive integer, got ${options.every}`);
  }
  return (t) => {
    checkStepNumber(t, "stepSchedule");
    return lr * factor ** Math.floor(t / options.every);
  };
}

/** α_t = α₀ · rate^t. */
export function exponentialSchedule(lr: number, rate: number): LearningRateSchedule {
  checkLearningRate(lr, "exponentialSchedule");
  checkFactor(rate, "rate", "exponentialSchedule");
  return (t) => {
    checkStepNumber(t, "exponentialSchedule");
    return lr * rate ** t;
  };
}

/** Half a cosine wave from α₀ at t = 0 down to α_min at t = total, then α_min. */
export function cosineSchedule(lr: number, total: number, minimum = 0): LearningRateSchedule {
  checkLearningRate(lr, "cosineSchedule");
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`cosineSchedule: total must be a positive integer, got ${total}`);
  if (!(minimum >= 0 && minimum <= lr)) throw new RangeError(`cosineSchedule: minimum must be in [0, ${lr}] (≤ the initial rate), got ${minimum}`);
  return (t) => {
    checkStepNumber(t, "cosineSchedule");
    if (t >= total) return minimum;
    return minimum + ((lr - minimum) * (1 + Math.cos((Math.PI * t) / total))) / 2;
  };
}
