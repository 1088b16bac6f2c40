// Hidden tests catch plausible wrong answers that the visible tests let
// through: E06–E11 (computation graphs, operations, AutoMLP, multiclass, early stopping, optimizers).
// Each case fills a released student version with the instructor's answers,
// puts one wrong answer into one solution region, grades it together with the
// fully correct submission with the real grader, and checks what each test
// cell earned (test/helpers/wrong-answers.ts; one file per exercise group).
//
// Adding a case: one `it(...)` calling grader.gradeOne, in the file of its exercise group.
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectCaught, WrongAnswerGrader } from "../helpers/wrong-answers";

let grader: WrongAnswerGrader;
beforeAll(async () => void (grader = await WrongAnswerGrader.start()), 600_000);
afterAll(async () => grader?.close());

describe("hidden tests catch plausible wrong answers that pass the visible tests: E06–E11", () => {
  it("E06: the product rule with its factors swapped (∂(a·b)/∂a taken as a), invisible where a = b", async () => {
    // The visible point x = [1, 2, 3] has a = b = 3, so the swap changes nothing there.
    const wrong = [
      "  const [x0, , x2] = x;",
      "  const { a, b } = forward(x);",
      "  const ga = 1 * a + 1 * 2 * a; // should be 1·b + 1·2a",
      "  const gb = 1 * b; // should be 1·a",
      "  return { f: 1, c: 1, d: 1, a: ga, b: gb, x0: ga + gb * x2, x1: ga, x2: gb * x0 };",
    ].join("\n");
    const tests = await grader.gradeOne("E06-computation-graph", { cell: "backward", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_backward", "test_backward_more");
  }, 300_000);

  it("E07: a logistic loss computed as log(1 + exp(−y·a)), which overflows to Infinity at a = −1000", async () => {
    const wrong = [
      "    if (A.rows !== y.rows || A.cols !== 1 || y.cols !== 1) throw new RangeError(\"logistic_loss: shapes differ\");",
      "    return A.map((a, i) => Math.log(1 + Math.exp(-y.get(i, 0) * a)));",
    ].join("\n");
    const tests = await grader.gradeOne("E07-operations", { cell: "logistic_loss", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_logistic_loss", "test_logistic_loss_more");
  }, 300_000);

  it("E08: an output graph hard-coded for exactly one hidden layer", async () => {
    // Right for the visible [2, 5, 1] network, wrong (a shape error) for [2, 6, 4, 1].
    const wrong = [
      "    const h1 = new ag.relu(new ag.add(new ag.mm(new InitialNode(X), this.weights[0]), this.biases[0]));",
      "    return new ag.add(new ag.mm(h1, this.weights[1]), this.biases[1]);",
    ].join("\n");
    const tests = await grader.gradeOne("E08-automlp", { cell: "my_auto_mlp", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_gradients", "test_gradients_more");
  }, 300_000);

  it("E09: predictions from XW alone, forgetting the intercept b (right whenever b = 0)", async () => {
    // Region 1 of the answer cell is predict's body (region 0 is scores').
    const wrong = "  return Matrix.column(argmaxRows(matMul(X, W))); // the intercept b is left out";
    const tests = await grader.gradeOne("E09-multiclass-digits", { cell: "predict", body: wrong, region: 1 });
    expectCaught(tests.correct, tests.wrong, "test_predict", "test_predict_hidden");
  }, 300_000);

  it("E10: early stopping that counts epochs without improvement over the previous epoch, not over the best", async () => {
    // Agrees with the right rule on curves that go down and then up; a dip that is no new best resets its count.
    const wrong = [
      '  if (valLosses.length === 0) throw new RangeError("earlyStoppingPoint: no validation losses");',
      "  let best = 0;",
      "  let withoutImprovement = 0;",
      "  for (let e = 1; e < valLosses.length; e++) {",
      "    if (valLosses[e] < valLosses[e - 1]) withoutImprovement = 0; // compared with the previous epoch",
      "    else withoutImprovement++;",
      "    if (valLosses[e] < valLosses[best]) best = e;",
      "    if (withoutImprovement >= patience) return { bestEpoch: best, stopEpoch: e };",
      "  }",
      "  return { bestEpoch: best, stopEpoch: null };",
    ].join("\n");
    const tests = await grader.gradeOne("E10-minibatch-early-stopping", { cell: "early_stopping_point", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_early_stopping_point", "test_early_stopping_point_hidden");
  }, 300_000);

  it("E11: Adam's bias correction with 1 − β instead of 1 − βᵗ (right at the first step only)", async () => {
    const wrong = [
      "  state.t += 1;",
      "  return w.map((wi, i) => {",
      "    state.m[i] = beta1 * state.m[i] + (1 - beta1) * g[i];",
      "    state.v[i] = beta2 * state.v[i] + (1 - beta2) * g[i] * g[i];",
      "    const mHat = state.m[i] / (1 - beta1); // the power t is missing",
      "    const vHat = state.v[i] / (1 - beta2);",
      "    return wi - (lr * mHat) / (Math.sqrt(vHat) + eps);",
      "  });",
    ].join("\n");
    const tests = await grader.gradeOne("E11-optimizer-steps", { cell: "adam_step", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_adam_step", "test_adam_step_hidden");
  }, 300_000);
});
