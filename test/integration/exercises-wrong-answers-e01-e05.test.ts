// Hidden tests catch plausible wrong answers that the visible tests let
// through: E01–E05 (counting, forward propagation, gradient steps, losses, backprop rules).
// Each case fills a released student version with the instructor's answers,
// puts one wrong answer into one solution region, grades it together with the
// fully correct submission with the real grader, and checks what each test
// cell earned (test/helpers/wrong-answers.ts; one file per exercise group).
//
// Adding a case: one `it(...)` calling grader.gradeOne, in the file of its exercise group.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCaught, expectLoses, sharedWrongAnswer, WrongAnswerGrader } from "../helpers/wrong-answers";

let grader: WrongAnswerGrader;
beforeAll(async () => void (grader = await WrongAnswerGrader.start()), 600_000);
afterAll(async () => grader?.close());

describe("hidden tests catch plausible wrong answers that pass the visible tests: E01–E05", () => {
  it("E01: intercepts counted per input unit, u(l−1)·(u(l)+1), instead of per output unit — a visible test shows it too, and the hidden tests still take their points", async () => {
    // Equal to the right count whenever u(0) = u(L) (the visible examples), wrong for (10, 1), (10, 100, 1)…:
    // total += u(l−1)·(u(l) + 1). Shared with scripts/nbgrader_parity.py (test/fixtures/wrong-answers/shared.json).
    const tests = await grader.gradeOne("E01-parameter-counting", sharedWrongAnswer("E01-parameter-counting"));
    // A visible test has an architecture whose input and output sizes differ (issue 11), so the student sees
    // this mistake before submitting; the hidden tests still take their points.
    for (const id of ["test_count_with_intercepts", "test_count_with_intercepts_hidden"]) expectLoses(tests.correct, tests.wrong, id);
  }, 300_000);

  it("E01: layer sizes checked for being positive but not for being whole numbers", async () => {
    // The visible tests only try a single layer; the hidden ones also an empty list, a 0 and a 2.5.
    const wrong = [
      "  if (units.length < 2) throw new RangeError(\"need at least an input and an output layer\");",
      "  for (const u of units) if (u <= 0) throw new RangeError(\"every layer size must be positive\"); // 2.5 slips through",
      "  let total = 0;",
      "  for (let l = 1; l < units.length; l++) total += units[l - 1] * units[l];",
      "  return total;",
    ].join("\n");
    const tests = await grader.gradeOne("E01-parameter-counting", { cell: "count_weights", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_count_weights", "test_count_weights_hidden");
    // The feedback names the failed hidden check by its hint, and only that one.
    const feedback = tests.wrong.get("test_count_weights_hidden")!.output;
    expect(feedback).toContain("Hint: a layer size that is not a whole number must throw a RangeError");
    expect(feedback).not.toContain("Hint: a layer size of zero");
  }, 300_000);

  it("E02: a dense layer that reads every row's inputs from row 0 (right for one sample, wrong for a batch)", async () => {
    // Row i's sum reads H.data[k], row 0's inputs, instead of H.data[i·cols + k]. Shared with
    // scripts/nbgrader_parity.py (test/fixtures/wrong-answers/shared.json).
    const tests = await grader.gradeOne("E02-forward-propagation", sharedWrongAnswer("E02-forward-propagation"));
    expectCaught(tests.correct, tests.wrong, "test_dense_layer", "test_dense_layer_hidden");
  }, 300_000);

  it("E04: a softmax that exponentiates the raw scores and overflows at z = 1000", async () => {
    const wrong = [
      "  const P = Matrix.zeros(Z.rows, Z.cols);",
      "  for (let i = 0; i < Z.rows; i++) {",
      "    let total = 0;",
      "    for (let k = 0; k < Z.cols; k++) total += Math.exp(Z.get(i, k));",
      "    for (let k = 0; k < Z.cols; k++) P.set(i, k, Math.exp(Z.get(i, k)) / total);",
      "  }",
      "  return P;",
    ].join("\n");
    const tests = await grader.gradeOne("E04-losses-and-gradients", { cell: "softmax", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_softmax", "test_softmax_hidden");
  }, 300_000);

  it("E05: rule 0 of the total (sum) loss instead of the mean loss, missing the 1/N — a visible test shows it too, and the hidden tests still take their points", async () => {
    // 2(ŷ − y) without the 1/N; shared with scripts/nbgrader_parity.py (test/fixtures/wrong-answers/shared.json).
    const tests = await grader.gradeOne("E05-backprop-rules", sharedWrongAnswer("E05-backprop-rules"));
    // A visible test has a batch of two samples (issue 11), so the student sees this mistake before
    // submitting; the hidden tests still take their points.
    for (const id of ["test_rule0", "test_rule0_hidden"]) expectLoses(tests.correct, tests.wrong, id);
  }, 300_000);

  it("E05: a ReLU derivative of 1 at a = 0 exactly (a ≥ 0 instead of a > 0)", async () => {
    // Region 1 of the answer cell is rule2's body. No visible input has a pre-activation of exactly 0.
    const wrong = [
      '  if (activation === "identity") return gradH;',
      '  const derivative = activation === "relu" ? a.map((v) => (v >= 0 ? 1 : 0)) : a.map((v) => sigmoid(v) * (1 - sigmoid(v)));',
      "  return mul(gradH, derivative);",
    ].join("\n");
    const tests = await grader.gradeOne("E05-backprop-rules", { cell: "rules123", body: wrong, region: 1 });
    expectCaught(tests.correct, tests.wrong, "test_rules123", "test_rules123_hidden");
    expect(tests.wrong.get("test_rules123_hidden")!.output).toContain("Hint: rule 2 with ReLU: σ'(a) = 0 for a ≤ 0, including a = 0 exactly");
  }, 300_000);

  it("E03: the mean convention divides by all N observations instead of the batch size", async () => {
    // Equal to the right answer for the full batch and for the sum convention (the visible cases),
    // wrong for the mean over a smaller batch (hidden: batch [2, 3], batches of one).
    const wrong = [
      "  const total = new Array<number>(grads[0].length).fill(0);",
      "  for (const i of batch) for (let k = 0; k < total.length; k++) total[k] += grads[i][k];",
      "  const factor = convention === \"mean\" ? 1 / grads.length : 1; // N, not |B|",
      "  return total.map((s) => s * factor);",
    ].join("\n");
    const tests = await grader.gradeOne("E03-gradient-step", { cell: "batch_gradient", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_batch_gradient", "test_batch_gradient_more");
  }, 300_000);
});
