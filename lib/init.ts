// Initial weights for a layer with fanIn inputs and fanOut units, drawn from a
// seeded Rng so that a network is reproducible from its seed.
//
// Why it matters: the scale of the weights sets the scale of every a(l) and of
// every gradient. Too large and sigmoid/tanh saturate (σ' ≈ 0); too small and
// the signal dies away layer after layer. The scaled normals keep Var(a)
// roughly constant across layers:
//   xavier   N(0, 2 / (fanIn + fanOut))   (Glorot; suits tanh / sigmoid)
//   he       N(0, 2 / fanIn)              (suits relu, which zeroes half its inputs)
//   normal   N(0, 1)
//   uniform  U(−1, 1)
//   zeros / ones — constants: every unit of a layer then computes the same
//   thing and receives the same gradient, so the units never differ (a
//   lesson, not a recipe).
// Intercepts are not drawn here: nnlab starts them at zero.

import { Matrix } from "./matrix";
import { Rng } from "./random";

export type InitName = "xavier" | "he" | "normal" | "uniform" | "zeros" | "ones";

export const initNames: readonly InitName[] = ["xavier", "he", "normal", "uniform", "zeros", "ones"];

/** A fanIn×fanOut weight matrix (the u(l−1)×u(l) layout of W(l)). */
export function initWeights(name: InitName, fanIn: number, fanOut: number, rng: Rng): Matrix {
  for (const [what, v] of [["fanIn", fanIn], ["fanOut", fanOut]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`initWeights: ${what} must be a positive integer, got ${v}`);
  }
  const draw = (f: () => number) => Matrix.fromFunction(fanIn, fanOut, f);
  switch (name) {
    case "xavier":
      return draw(() => rng.normal(0, Math.sqrt(2 / (fanIn + fanOut))));
    case "he":
      return draw(() => rng.normal(0, Math.sqrt(2 / fanIn)));
    case "normal":
      return draw(() => rng.normal(0, 1));
    case "uniform":
      return draw(() => rng.uniform(-1, 1));
    case "zeros":
      return Matrix.zeros(fanIn, fanOut);
    case "ones":
      return Matrix.ones(fanIn, fanOut);
    default:
      throw new RangeError(`unknown initialisation "${name}"; choose one of ${initNames.join(", ")}`);
  }
}
