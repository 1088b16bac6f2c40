// Hidden tests catch plausible wrong answers that the visible tests let
// through: E12–E16 (tfjs twin and L2, dropout, L1 and Adagrad, initialisation, matrix calculus).
// Each case fills a released student version with the instructor's answers,
// puts one wrong answer into one solution region, grades it together with the
// fully correct submission with the real grader, and checks what each test
// cell earned (test/helpers/wrong-answers.ts; one file per exercise group).
//
// Adding a case: one `it(...)` calling grader.gradeOne, in the file of its exercise group.
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectCaught, expectLoses, WrongAnswerGrader } from "../helpers/wrong-answers";

let grader: WrongAnswerGrader;
beforeAll(async () => void (grader = await WrongAnswerGrader.start()), 600_000);
afterAll(async () => grader?.close());

describe("hidden tests catch plausible wrong answers that pass the visible tests: E12–E16", () => {
  it("E12: an L2 penalty on every parameter, intercepts included — a visible test with non-zero intercepts shows it, and the hidden tests still take their points", async () => {
    const wrong = [
      "  const params = net.getParameters(); // weights and intercepts alike",
      "  let penalty = 0;",
      "  for (const P of params) for (const w of P.data) penalty += w * w;",
      "  const grads = gradientsToList(data.gradients).map((g, k) => g.map((v, i, j) => v + 2 * lambda * params[k].get(i, j)));",
      "  return { loss: data.loss + lambda * penalty, gradients: grads };",
    ].join("\n");
    const tests = await grader.gradeOne("E12-tfjs-twin-l2", { cell: "l2_loss_and_gradients", body: wrong });
    // A visible test has non-zero intercepts (issue 11), so the student sees this mistake before
    // submitting; the hidden tests still take their points.
    for (const id of ["test_l2_loss_and_gradients", "test_l2_loss_and_gradients_hidden"]) expectLoses(tests.correct, tests.wrong, id);
  }, 300_000);

  it("E12: a twin that puts the hidden activation on the first layer only (right with one hidden layer)", async () => {
    // Every visible network has one hidden layer; the hidden tests have two, and none.
    const wrong = [
      "  const model = tf.sequential();",
      "  net.weights.forEach((W, k) => {",
      '    const activation = k === 0 ? (net.hiddenActivation === "identity" ? "linear" : net.hiddenActivation) : "linear";',
      "    const layer = tf.layers.dense({ units: W.cols, activation, ...(k === 0 ? { inputShape: [W.rows] } : {}) });",
      "    model.add(layer);",
      "    layer.setWeights([toTensor(W), tf.tensor1d(Array.from(net.biases[k].data))]);",
      "  });",
      "  return model;",
    ].join("\n");
    const tests = await grader.gradeOne("E12-tfjs-twin-l2", { cell: "build_tf_model", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_build_tf_model", "test_build_tf_model_hidden");
  }, 300_000);

  it("E13: dropout after the first hidden layer only (right for one hidden layer, wrong for two)", async () => {
    const wrong = [
      "  const L = net.depth;",
      "  const a: Matrix[] = [X];",
      "  const h: Matrix[] = [X];",
      "  const masks: Matrix[] = [];",
      "  for (let l = 1; l <= L; l++) {",
      "    a[l] = add(matMul(h[l - 1], net.weights[l - 1]), net.biases[l - 1]);",
      "    h[l] = net.layerActivation(l).forward(a[l]);",
      "    if (l === 1 && l < L) { // only the first hidden layer gets a mask",
      "      const d = dropoutForward(h[l], p, rng, true);",
      "      masks[l] = d.mask;",
      "      h[l] = d.out;",
      "    }",
      "  }",
      "  const loss = losses.bce_with_logits.value(h[L], y);",
      "  let gradH = rule0(\"bce_with_logits\", h[L], y);",
      "  const gradW: Matrix[] = [];",
      "  const gradB: Matrix[] = [];",
      "  for (let l = L; l >= 1; l--) {",
      "    if (masks[l]) gradH = dropoutBackward(gradH, masks[l]);",
      "    const gradA = rule2(gradH, a[l], net.layerActivation(l));",
      "    gradW[l - 1] = rule1(h[l - 1], gradA);",
      "    gradB[l - 1] = sumRows(gradA);",
      "    if (l > 1) gradH = rule3(gradA, net.weights[l - 1]);",
      "  }",
      "  return { loss, gradients: [...gradW, ...gradB] };",
    ].join("\n");
    const tests = await grader.gradeOne("E13-dropout", { cell: "dropout_network", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_dropout_network", "test_dropout_network_hidden");
  }, 300_000);

  it("E14: Adagrad with ε outside the square root, g/(√G + ε) as in Adam (invisible while ε is tiny next to G)", async () => {
    const wrong = [
      "  return w.map((wi, i) => {",
      "    state.G[i] += g[i] * g[i];",
      "    return wi - (lr * g[i]) / (Math.sqrt(state.G[i]) + eps); // ε belongs inside the root",
      "  });",
    ].join("\n");
    const tests = await grader.gradeOne("E14-l1-adagrad", { cell: "adagrad_step", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_adagrad_step", "test_adagrad_step_hidden");
  }, 300_000);

  it("E15: symmetry decided from W(1) and b(1) alone, forgetting that rule 3 brings in the rows of W(2)", async () => {
    // Right for the visible all-equal and random initialisations; wrong when W(1) is constant but W(2) is not.
    const wrong = [
      "  const W1 = net.weights[0];",
      "  const b1 = net.biases[0];",
      "  for (let j = 1; j < W1.cols; j++) {",
      "    if (b1.get(0, j) !== b1.get(0, 0)) return false;",
      "    for (let i = 0; i < W1.rows; i++) if (W1.get(i, j) !== W1.get(i, 0)) return false;",
      "  }",
      "  return true;",
    ].join("\n");
    const tests = await grader.gradeOne("E15-initialization-scaling", { cell: "stays_symmetric", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_stays_symmetric", "test_stays_symmetric_hidden");
  }, 300_000);

  it("E16: a softmax Jacobian from raw exponentials, which overflow to NaN at scores of 1000", async () => {
    const wrong = [
      "  const e = u.map((v) => Math.exp(v)); // no shift by the largest score",
      "  let total = 0;",
      "  for (const v of e.data) total += v;",
      "  const p = e.map((v) => v / total);",
      "  const m = u.cols;",
      "  return Matrix.fromFunction(m, m, (j, i) => p.get(0, j) * ((j === i ? 1 : 0) - p.get(0, i)));",
    ].join("\n");
    const tests = await grader.gradeOne("E16-matrix-calculus", { cell: "softmax_jacobian", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_softmax_jacobian", "test_softmax_jacobian_hidden");
  }, 300_000);
});
