// Weight penalties (regularisation): a term λ·R(W) added to the data loss so
// that, among weights that fit the data equally well, smaller ones win.
//
//   L(W) = (1/N) Σᵢ Lᵢ(W) + λ·R(W)      ∇L(W) = (1/N) Σᵢ ∇Lᵢ(W) + λ·∇R(W)
//
// L2: R(W) = Σ W²   (prefers many small weights, "spread out")
// L1: R(W) = Σ |W|  (pushes weights to exactly 0)
//
// The sums run over every entry of every matrix given. Usually only the
// weight matrices are penalised, not the intercepts: pass `mlp.weights`, not
// `mlp.getParameters()`. Note the factor 2 in the L2 gradient: torch's
// `weight_decay = d` adds d·W to the gradient, which is this λ = d/2.

import { Matrix, assertFinite } from "./matrix";

function checkLambda(lambda: number, where: string): void {
  if (!(lambda >= 0 && Number.isFinite(lambda))) {
    throw new RangeError(`${where}: lambda must be a finite number ≥ 0, got ${lambda}`);
  }
}

function asList(weights: Matrix | readonly Matrix[], where: string): readonly Matrix[] {
  const list = weights instanceof Matrix ? [weights] : weights;
  list.forEach((w, k) => assertFinite(w, `${where}: weight matrix ${k}`));
  return list;
}

function total(weights: readonly Matrix[], f: (w: number) => number): number {
  let s = 0;
  for (const w of weights) for (let i = 0; i < w.data.length; i++) s += f(w.data[i]);
  return s;
}

/** λ·Σ W² over every entry. */
export function l2Penalty(weights: Matrix | readonly Matrix[], lambda: number): number {
  checkLambda(lambda, "l2Penalty");
  return lambda * total(asList(weights, "l2Penalty"), (w) => w * w);
}

/** ∂/∂W of λ·Σ W² = 2λ·W (one matrix per weight matrix given). */
export function l2Gradient(weights: Matrix, lambda: number): Matrix;
export function l2Gradient(weights: readonly Matrix[], lambda: number): Matrix[];
export function l2Gradient(weights: Matrix | readonly Matrix[], lambda: number): Matrix | Matrix[] {
  checkLambda(lambda, "l2Gradient");
  const grads = asList(weights, "l2Gradient").map((w) => w.map((x) => 2 * lambda * x));
  return weights instanceof Matrix ? grads[0] : grads;
}

/** λ·Σ |W| over every entry. */
export function l1Penalty(weights: Matrix | readonly Matrix[], lambda: number): number {
  checkLambda(lambda, "l1Penalty");
  return lambda * total(asList(weights, "l1Penalty"), Math.abs);
}

/**
 * ∂/∂W of λ·Σ |W| = λ·sign(W). |w| has no derivative at 0; we use the
 * subgradient 0 there (any value in [−λ, λ] would be valid), so a weight that
 * is exactly 0 is left alone by the penalty.
 */
export function l1Gradient(weights: Matrix, lambda: number): Matrix;
export function l1Gradient(weights: readonly Matrix[], lambda: number): Matrix[];
export function l1Gradient(weights: Matrix | readonly Matrix[], lambda: number): Matrix | Matrix[] {
  checkLambda(lambda, "l1Gradient");
  const grads = asList(weights, "l1Gradient").map((w) => w.map((x) => (x > 0 ? lambda : x < 0 ? -lambda : 0)));
  return weights instanceof Matrix ? grads[0] : grads;
}
