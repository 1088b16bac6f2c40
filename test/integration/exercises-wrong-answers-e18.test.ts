// E18 (batch normalisation, learning-rate schedules, the loss at
// initialisation): plausible wrong answers, graded with the real grader in one
// batch next to the correct answer. Three slip past every visible test and must
// lose the hidden points; three are shown by a visible test too (issue 11: the
// visible tests touch every kind of thing the hidden ones probe) and must lose
// both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCaught, expectLoses, Graded, WrongAnswer, WrongAnswerGrader } from "../helpers/wrong-answers";

/** bnForward's body with its variance line replaced by `variance` (which must fill `variance.data[j]` for every column). */
function forwardWith(variance: string[], invStd = "  const invStd = variance.map((v) => 1 / Math.sqrt(v + eps));"): string {
  return [
    "  const { rows: n, cols: u } = A;",
    '  if (n < 2) throw new RangeError("bnForward: training mode needs at least 2 rows");',
    "  const mean = Matrix.zeros(1, u);",
    "  for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) mean.data[j] += A.get(i, j) / n;",
    "  const variance = Matrix.zeros(1, u);",
    ...variance,
    invStd,
    "  const xHat = A.map((a, _i, j) => (a - mean.data[j]) * invStd.data[j]);",
    "  const Y = xHat.map((x, _i, j) => gamma.get(0, j) * x + beta.get(0, j));",
    "  return { Y, mean, variance, cache: { xHat, invStd } };",
  ].join("\n");
}

const TWO_PASS = ["  for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) variance.data[j] += (A.get(i, j) - mean.data[j]) ** 2 / n;"];

const WRONG: Record<string, WrongAnswer> = {
  // The one-pass shortcut: exact enough near 10⁴ (visible), no digit left near 10⁸ (hidden).
  onePassVariance: {
    cell: "bn_forward",
    body: forwardWith([
      "  for (let j = 0; j < u; j++) {",
      "    let squares = 0;",
      "    for (let i = 0; i < n; i++) squares += A.get(i, j) ** 2 / n;",
      "    variance.data[j] = squares - mean.data[j] ** 2; // mean(A²) − μ²",
      "  }",
    ]),
  },
  unbiasedVariance: {
    cell: "bn_forward",
    body: forwardWith(["  for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) variance.data[j] += (A.get(i, j) - mean.data[j]) ** 2 / (n - 1); // N − 1"]),
  },
  epsOutsideRoot: {
    cell: "bn_forward",
    body: forwardWith(TWO_PASS, "  const invStd = variance.map((v) => 1 / (Math.sqrt(v) + eps)); // ε belongs inside the root"),
  },
  // ∇A as if μ and v were constants: G ⊙ γ / √(v + ε).
  noMeanTerms: {
    cell: "bn_backward",
    body: [
      "  const { xHat, invStd } = cache;",
      "  return {",
      "    gradA: G.map((g, _i, j) => g * gamma.get(0, j) * invStd.get(0, j)),",
      "    gradGamma: sumRows(mul(G, xHat)),",
      "    gradBeta: sumRows(G),",
      "  };",
    ].join("\n"),
  },
  // "The last epoch should already be at the minimum": right at every t the visible test asks about.
  cosineOneStepEarly: {
    cell: "lr_schedules",
    region: 2,
    body: "  return (t) => (t >= total - 1 ? minimum : minimum + ((lr - minimum) * (1 + Math.cos((Math.PI * t) / total))) / 2);",
  },
  // e^z without the log-sum-exp shift: fine for scores in the hundreds (visible), Infinity at 3000 (hidden).
  naiveLogSumExp: {
    cell: "initial_loss",
    body: [
      "  let total = 0;",
      "  for (let i = 0; i < scores.rows; i++) {",
      "    let sum = 0;",
      "    for (let k = 0; k < scores.cols; k++) sum += Math.exp(scores.get(i, k));",
      "    total += Math.log(sum) - scores.get(i, y.get(i, 0));",
      "  }",
      "  return total / scores.rows - Math.log(scores.cols);",
    ].join("\n"),
  },
};

let grader: WrongAnswerGrader;
let correct: Graded;
let wrong: Record<string, Graded>;

beforeAll(async () => {
  grader = await WrongAnswerGrader.start();
  ({ correct, wrong } = await grader.grade("E18-batch-norm-schedules", WRONG));
}, 600_000);

afterAll(async () => {
  await grader?.close();
});

describe("E18: hidden tests catch plausible wrong answers that pass the visible tests", () => {
  it("the variance as mean(A²) − μ², which loses every digit for a column near 10⁸", () => {
    expectCaught(correct, wrong.onePassVariance, "test_bn_forward", "test_bn_forward_hidden");
    const feedback = wrong.onePassVariance.get("test_bn_forward_hidden")!.output;
    expect(feedback).toContain("Hint: compute v from the deviations A_ij − μ_j; mean(A²) − μ² loses every digit when the values are near 10⁸");
    expect(feedback).not.toContain("Hint: v_j divides the sum of squared deviations by N");
  });

  it("a cosine schedule that reaches α_min at t = T − 1, one step early", () => {
    expectCaught(correct, wrong.cosineOneStepEarly, "test_lr_schedules", "test_lr_schedules_hidden");
    expect(wrong.cosineOneStepEarly.get("test_lr_schedules_hidden")!.output).toContain("Hint: the cosine formula holds for every t < T");
  });

  it("a log-sum-exp without the shift by the largest score, which overflows at scores in the thousands", () => {
    expectCaught(correct, wrong.naiveLogSumExp, "test_initial_loss", "test_initial_loss_hidden");
  });
});

describe("E18: wrong answers that a visible test shows too lose the hidden points as well", () => {
  it("the unbiased variance (divide by N − 1)", () => {
    for (const id of ["test_bn_forward", "test_bn_forward_hidden"]) expectLoses(correct, wrong.unbiasedVariance, id);
  });

  it("ε outside the square root, 1/(√v + ε)", () => {
    for (const id of ["test_bn_forward", "test_bn_forward_hidden"]) expectLoses(correct, wrong.epsOutsideRoot, id);
  });

  it("∇A J without the two subtracted means (μ and v treated as constants)", () => {
    for (const id of ["test_bn_backward", "test_bn_backward_hidden"]) expectLoses(correct, wrong.noMeanTerms, id);
  });

  it("each wrong answer loses points only in the tests of its own task (the correct answer elsewhere keeps them)", () => {
    const ownTests: Record<string, string[]> = {
      onePassVariance: ["test_bn_forward_hidden"],
      unbiasedVariance: ["test_bn_forward", "test_bn_forward_hidden", "test_bn_layer", "test_bn_layer_hidden"], // the layer's training mode calls bnForward
      epsOutsideRoot: ["test_bn_forward", "test_bn_forward_hidden", "test_bn_layer", "test_bn_layer_hidden"],
      noMeanTerms: ["test_bn_backward", "test_bn_backward_hidden"],
      cosineOneStepEarly: ["test_lr_schedules_hidden"],
      naiveLogSumExp: ["test_initial_loss_hidden"],
    };
    for (const [name, graded] of Object.entries(wrong)) {
      for (const [id, ok] of correct) {
        if (ownTests[name].includes(id)) continue;
        expect(graded.get(id)!.score, `${name}: ${id} should keep its points`).toBe(ok.maxScore);
      }
    }
  });
});
