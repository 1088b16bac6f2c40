// Each exercise's hidden tests must catch a plausible wrong answer that its
// visible tests let through (issue 4, acceptance 4). For every case below we
// take the released student version, fill every answer cell with the
// instructor's solution, put one wrong answer into one solution region, grade
// that submission with the real grader and check that the visible test cell
// still earns all its points while the hidden test cell earns none. The same
// batch grades the fully correct submission, whose hidden cell must pass (so a
// hidden test that fails for everyone cannot make a case pass).
//
// Adding a case: append one `it(...)` calling `gradeWithWrongAnswer` (keep it
// self-contained; the helpers below are shared).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readNotebookFile, serializeNotebook } from "../../tools/notebook";
import { generateStudentVersion, gradeId, isSolution, splitRegions, stripMarkers } from "../../tools/assignment";
import { CompilerPool, gradeBatch, SandboxRoot, TestResult } from "../../tools/grader";

const SOLUTIONS = path.join(__dirname, "..", "..", "solutions");

let sandbox: SandboxRoot;
let compiler: CompilerPool;
let workDir: string;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-wrong-answers-"));
  sandbox = SandboxRoot.create();
  compiler = await CompilerPool.start({ cwd: sandbox.compileDir });
}, 600_000);

afterAll(async () => {
  await compiler?.close();
  sandbox?.dispose();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** The cell source with solution region number `region` (0-based) replaced by `body`, markers dropped. */
function replaceRegion(source: string, body: string, region: number): string {
  let k = 0;
  let found = false;
  const text = splitRegions(source)
    .map((s) => {
      if (s.kind !== "solution") return s.text;
      const mine = k++ === region;
      found ||= mine;
      return mine ? body : s.text;
    })
    .join("\n");
  if (!found) throw new Error(`the cell has no solution region number ${region}`);
  return text;
}

/**
 * Grades the exercise `solutions/<exercise>.ipynb` twice: answered correctly
 * everywhere, and answered correctly except for solution region `region` of
 * the answer cell `cell` (a grade_id), which gets `wrong`. Returns the
 * grader's result per test cell (by grade_id) for both submissions.
 */
async function gradeWithWrongAnswer(
  exercise: string,
  cell: string,
  wrong: string,
  region = 0,
): Promise<{ correct: Map<string, TestResult>; wrong: Map<string, TestResult> }> {
  const solutionFile = path.join(SOLUTIONS, `${exercise}.ipynb`);
  const solution = readNotebookFile(solutionFile);
  const dir = fs.mkdtempSync(path.join(workDir, `${exercise}-`));
  const write = (name: string, wrongAnswer: boolean): string => {
    // A correct student writes the instructor's code; the wrong answer replaces one region of one cell.
    const answers = new Map<string, string>();
    for (const c of solution.cells) {
      const id = gradeId(c);
      if (!id || !isSolution(c)) continue;
      answers.set(id, wrongAnswer && id === cell ? replaceRegion(c.source, wrong, region) : stripMarkers(c.source));
    }
    if (!answers.has(cell)) throw new Error(`${exercise} has no answer cell "${cell}"`);
    const submission = generateStudentVersion(solution);
    for (const c of submission.cells) {
      const id = gradeId(c);
      if (id && answers.has(id)) c.source = answers.get(id)!;
    }
    const file = path.join(dir, `${name}.ipynb`);
    fs.writeFileSync(file, serializeNotebook(submission));
    return file;
  };
  const files = { correct: write("correct", false), wrong: write("wrong", true) };
  const summary = await gradeBatch({ assignment: solutionFile, submissions: Object.values(files), outDir: path.join(dir, "out"), jobs: 2, compiler });
  const byFile = (file: string) => {
    const r = summary.results.find((x) => path.resolve(x.submission) === path.resolve(file));
    expect(r, `no result for ${file}`).toBeDefined();
    expect(r!.status, r!.reason).toBe("graded");
    return new Map(r!.tests.map((t) => [t.gradeId, t]));
  };
  return { correct: byFile(files.correct), wrong: byFile(files.wrong) };
}

/**
 * With the wrong answer the visible test cell earns all its points and the
 * hidden one none; with the correct answer the hidden one earns all of its.
 */
function expectCaught(graded: { correct: Map<string, TestResult>; wrong: Map<string, TestResult> }, visible: string, hidden: string): void {
  const v = graded.wrong.get(visible);
  const h = graded.wrong.get(hidden);
  const hOk = graded.correct.get(hidden);
  expect(v, `no test cell ${visible}`).toBeDefined();
  expect(h, `no test cell ${hidden}`).toBeDefined();
  expect(v!.maxScore).toBeGreaterThan(0);
  expect(v!.score, `${visible} should pass with the wrong answer:\n${v!.output}`).toBe(v!.maxScore);
  expect(h!.maxScore).toBeGreaterThan(0);
  expect(h!.score, `${hidden} should fail with the wrong answer`).toBe(0);
  expect(h!.status).toBe("failed");
  expect(hOk!.score, `${hidden} should pass with the correct answer:\n${hOk!.output}`).toBe(hOk!.maxScore);
}

describe("hidden tests catch plausible wrong answers that pass the visible tests", () => {
  it("E01: intercepts counted per input unit, u(l−1)·(u(l)+1), instead of per output unit — a visible test shows it too, and the hidden tests still take their points", async () => {
    // Equal to the right count whenever u(0) = u(L) (the visible examples), wrong for (10, 1), (10, 100, 1)…
    const wrong = [
      "  countWeights(units); // checks the sizes",
      "  let total = 0;",
      "  for (let l = 1; l < units.length; l++) total += units[l - 1] * (units[l] + 1);",
      "  return total;",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E01-parameter-counting", "count_with_intercepts", wrong);
    // A visible test has an architecture whose input and output sizes differ (issue 11), so the student sees
    // this mistake before submitting; the hidden tests still take their points.
    for (const id of ["test_count_with_intercepts", "test_count_with_intercepts_hidden"]) {
      expect(tests.wrong.get(id)!.score, `${id} should fail with the wrong answer`).toBe(0);
      expect(tests.correct.get(id)!.score, `${id} should pass with the correct answer`).toBe(tests.correct.get(id)!.maxScore);
    }
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
    const tests = await gradeWithWrongAnswer("E01-parameter-counting", "count_weights", wrong);
    expectCaught(tests, "test_count_weights", "test_count_weights_hidden");
    // The feedback names the failed hidden check by its hint, and only that one.
    const feedback = tests.wrong.get("test_count_weights_hidden")!.output;
    expect(feedback).toContain("Hint: a layer size that is not a whole number must throw a RangeError");
    expect(feedback).not.toContain("Hint: a layer size of zero");
  }, 300_000);

  it("E02: a dense layer that reads every row's inputs from row 0 (right for one sample, wrong for a batch)", async () => {
    const wrong = [
      "  if (H.cols !== W.rows) throw new RangeError(`denseLayer: H is ${H.rows}×${H.cols} but W is ${W.rows}×${W.cols}`);",
      "  if (b.rows !== 1 || b.cols !== W.cols) throw new RangeError(`denseLayer: b must be 1×${W.cols}`);",
      "  const A = Matrix.zeros(H.rows, W.cols);",
      "  for (let i = 0; i < H.rows; i++) {",
      "    for (let j = 0; j < W.cols; j++) {",
      "      let s = b.data[j];",
      "      for (let k = 0; k < H.cols; k++) s += H.data[k] * W.data[k * W.cols + j]; // forgot the row offset i·cols",
      "      A.data[i * W.cols + j] = s;",
      "    }",
      "  }",
      "  return A;",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E02-forward-propagation", "dense_layer", wrong);
    expectCaught(tests, "test_dense_layer", "test_dense_layer_hidden");
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
    const tests = await gradeWithWrongAnswer("E04-losses-and-gradients", "softmax", wrong);
    expectCaught(tests, "test_softmax", "test_softmax_hidden");
  }, 300_000);

  it("E05: rule 0 of the total (sum) loss instead of the mean loss, missing the 1/N — a visible test shows it too, and the hidden tests still take their points", async () => {
    const tests = await gradeWithWrongAnswer("E05-backprop-rules", "rule0", "  return scale(sub(output, y), 2);");
    // A visible test has a batch of two samples (issue 11), so the student sees this mistake before
    // submitting; the hidden tests still take their points.
    for (const id of ["test_rule0", "test_rule0_hidden"]) {
      expect(tests.wrong.get(id)!.score, `${id} should fail with the wrong answer`).toBe(0);
      expect(tests.correct.get(id)!.score, `${id} should pass with the correct answer`).toBe(tests.correct.get(id)!.maxScore);
    }
  }, 300_000);

  it("E05: a ReLU derivative of 1 at a = 0 exactly (a ≥ 0 instead of a > 0)", async () => {
    // Region 1 of the answer cell is rule2's body. No visible input has a pre-activation of exactly 0.
    const wrong = [
      '  if (activation === "identity") return gradH;',
      '  const derivative = activation === "relu" ? a.map((v) => (v >= 0 ? 1 : 0)) : a.map((v) => sigmoid(v) * (1 - sigmoid(v)));',
      "  return mul(gradH, derivative);",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E05-backprop-rules", "rules123", wrong, 1);
    expectCaught(tests, "test_rules123", "test_rules123_hidden");
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
    const tests = await gradeWithWrongAnswer("E03-gradient-step", "batch_gradient", wrong);
    expectCaught(tests, "test_batch_gradient", "test_batch_gradient_more");
  }, 300_000);

  it("E06: the product rule with its factors swapped (∂(a·b)/∂a taken as a), invisible where a = b", async () => {
    // The visible point x = [1, 2, 3] has a = b = 3, so the swap changes nothing there.
    const wrong = [
      "  const [x0, , x2] = x;",
      "  const { a, b } = forward(x);",
      "  const ga = 1 * a + 1 * 2 * a; // should be 1·b + 1·2a",
      "  const gb = 1 * b; // should be 1·a",
      "  return { f: 1, c: 1, d: 1, a: ga, b: gb, x0: ga + gb * x2, x1: ga, x2: gb * x0 };",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E06-computation-graph", "backward", wrong);
    expectCaught(tests, "test_backward", "test_backward_more");
  }, 300_000);

  it("E07: a logistic loss computed as log(1 + exp(−y·a)), which overflows to Infinity at a = −1000", async () => {
    const wrong = [
      "    if (A.rows !== y.rows || A.cols !== 1 || y.cols !== 1) throw new RangeError(\"logistic_loss: shapes differ\");",
      "    return A.map((a, i) => Math.log(1 + Math.exp(-y.get(i, 0) * a)));",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E07-operations", "logistic_loss", wrong, 0);
    expectCaught(tests, "test_logistic_loss", "test_logistic_loss_more");
  }, 300_000);

  it("E08: an output graph hard-coded for exactly one hidden layer", async () => {
    // Right for the visible [2, 5, 1] network, wrong (a shape error) for [2, 6, 4, 1].
    const wrong = [
      "    const h1 = new ag.relu(new ag.add(new ag.mm(new InitialNode(X), this.weights[0]), this.biases[0]));",
      "    return new ag.add(new ag.mm(h1, this.weights[1]), this.biases[1]);",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E08-automlp", "my_auto_mlp", wrong, 0);
    expectCaught(tests, "test_gradients", "test_gradients_more");
  }, 300_000);

  it("E09: predictions from XW alone, forgetting the intercept b (right whenever b = 0)", async () => {
    // Region 1 of the answer cell is predict's body (region 0 is scores').
    const wrong = "  return Matrix.column(argmaxRows(matMul(X, W))); // the intercept b is left out";
    const tests = await gradeWithWrongAnswer("E09-multiclass-digits", "predict", wrong, 1);
    expectCaught(tests, "test_predict", "test_predict_hidden");
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
    const tests = await gradeWithWrongAnswer("E10-minibatch-early-stopping", "early_stopping_point", wrong);
    expectCaught(tests, "test_early_stopping_point", "test_early_stopping_point_hidden");
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
    const tests = await gradeWithWrongAnswer("E11-optimizer-steps", "adam_step", wrong);
    expectCaught(tests, "test_adam_step", "test_adam_step_hidden");
  }, 300_000);

  it("E12: an L2 penalty on every parameter, intercepts included — a visible test with non-zero intercepts shows it, and the hidden tests still take their points", async () => {
    const wrong = [
      "  const params = net.getParameters(); // weights and intercepts alike",
      "  let penalty = 0;",
      "  for (const P of params) for (const w of P.data) penalty += w * w;",
      "  const grads = gradientsToList(data.gradients).map((g, k) => g.map((v, i, j) => v + 2 * lambda * params[k].get(i, j)));",
      "  return { loss: data.loss + lambda * penalty, gradients: grads };",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E12-tfjs-twin-l2", "l2_loss_and_gradients", wrong);
    // A visible test has non-zero intercepts (issue 11), so the student sees this mistake before
    // submitting; the hidden tests still take their points.
    for (const id of ["test_l2_loss_and_gradients", "test_l2_loss_and_gradients_hidden"]) {
      expect(tests.wrong.get(id)!.score, `${id} should fail with the wrong answer`).toBe(0);
      expect(tests.correct.get(id)!.score, `${id} should pass with the correct answer`).toBe(tests.correct.get(id)!.maxScore);
    }
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
    const tests = await gradeWithWrongAnswer("E12-tfjs-twin-l2", "build_tf_model", wrong);
    expectCaught(tests, "test_build_tf_model", "test_build_tf_model_hidden");
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
    const tests = await gradeWithWrongAnswer("E13-dropout", "dropout_network", wrong);
    expectCaught(tests, "test_dropout_network", "test_dropout_network_hidden");
  }, 300_000);

  it("E14: Adagrad with ε outside the square root, g/(√G + ε) as in Adam (invisible while ε is tiny next to G)", async () => {
    const wrong = [
      "  return w.map((wi, i) => {",
      "    state.G[i] += g[i] * g[i];",
      "    return wi - (lr * g[i]) / (Math.sqrt(state.G[i]) + eps); // ε belongs inside the root",
      "  });",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E14-l1-adagrad", "adagrad_step", wrong);
    expectCaught(tests, "test_adagrad_step", "test_adagrad_step_hidden");
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
    const tests = await gradeWithWrongAnswer("E15-initialization-scaling", "stays_symmetric", wrong);
    expectCaught(tests, "test_stays_symmetric", "test_stays_symmetric_hidden");
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
    const tests = await gradeWithWrongAnswer("E16-matrix-calculus", "softmax_jacobian", wrong);
    expectCaught(tests, "test_softmax_jacobian", "test_softmax_jacobian_hidden");
  }, 300_000);

  it("E17: the capstone's loss as −log of a softmax probability, which underflows to log(0) for scores in the thousands", async () => {
    const wrong = [
      "  const L = net.weights.length;",
      "  const { a, h } = forward(net, X);",
      "  const Z = h[L];",
      "  const n = X.rows;",
      "  const P = softmaxRows(Z);",
      "  let loss = 0;",
      "  for (let i = 0; i < n; i++) loss -= Math.log(P.get(i, y.get(i, 0))); // log(0) once p underflows",
      "  let gradA = scale(sub(P, oneHot(y, Z.cols)), 1 / n);",
      "  const gradW: Matrix[] = [];",
      "  const gradB: Matrix[] = [];",
      "  for (let l = L; l >= 1; l--) {",
      "    gradW[l - 1] = matMul(transpose(h[l - 1]), gradA);",
      "    gradB[l - 1] = sumRows(gradA);",
      "    if (l > 1) {",
      "      const gradH = matMul(gradA, transpose(net.weights[l - 1]));",
      "      const below = a[l - 1];",
      "      gradA = gradH.map((g, i, j) => (below.get(i, j) > 0 ? g : 0));",
      "    }",
      "  }",
      "  return { loss: loss / n, gradW, gradB };",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E17-capstone-digits", "loss_and_gradients", wrong);
    expectCaught(tests, "test_loss_and_gradients", "test_loss_and_gradients_hidden");
  }, 600_000);

  // Acceptance 2 of issue 11: two plausible wrong capstones lose exactly the points that test what they got wrong.
  const capstoneCells = [
    "test_init_network", "test_init_network_hidden", "test_loss_and_gradients", "test_loss_and_gradients_hidden",
    "test_prepare_data", "test_prepare_data_hidden", "test_train", "test_train_hidden", "test_capstone", "test_capstone_hidden",
  ];
  function expectLosesOnly(graded: { correct: Map<string, TestResult>; wrong: Map<string, TestResult> }, losing: string[]): void {
    for (const id of capstoneCells) {
      const ok = graded.correct.get(id);
      const bad = graded.wrong.get(id);
      expect(ok && bad, `no test cell ${id}`).toBeTruthy();
      expect(ok!.score, `${id} with the correct capstone:\n${ok!.output}`).toBe(ok!.maxScore);
      if (losing.includes(id)) expect(bad!.score, `${id} should lose its points:\n${bad!.output}`).toBe(0);
      else expect(bad!.score, `${id} should keep its points:\n${bad!.output}`).toBe(bad!.maxScore);
    }
  }

  it("E17: standardising with the test split's statistics loses the leak tests and nothing else", async () => {
    const wrong = [
      "  const split = trainTestSplit(pool.X, pool.y, { test: 0.2, seed });",
      "  const scaler = new Standardizer().fit(test.X); // fitted on the test images: a leak",
      "  const part = (p: Part): Part => ({ X: scaler.transform(p.X), y: p.y });",
      "  return { train: part(split.train), validation: part(split.test), test: part(test), scaler };",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E17-capstone-digits", "prepare_data", wrong);
    expectLosesOnly(tests, ["test_prepare_data", "test_prepare_data_hidden", "test_capstone"]);
  }, 600_000);

  it("E17: training without early stopping (all maxEpochs, the last network) loses the early-stopping tests, the noisy split included", async () => {
    const wrong = [
      "  const loader = new DataLoader(trainSet.X, trainSet.y, { batchSize: opts.batchSize, shuffle: true, seed: opts.seed });",
      "  const valLosses: number[] = [];",
      "  for (let epoch = 0; epoch < opts.maxEpochs; epoch++) {",
      "    for (const batch of loader) {",
      "      const g = backprop(net, batch.X, batch.y);",
      "      const params = [...net.weights, ...net.biases];",
      "      const grads = [...g.gradW, ...g.gradB];",
      "      params.forEach((P, k) => {",
      "        for (let i = 0; i < P.data.length; i++) P.data[i] -= opts.lr * grads[k].data[i];",
      "      });",
      "    }",
      "    valLosses.push(backprop(net, validation.X, validation.y).loss);",
      "  }",
      "  const bestEpoch = valLosses.indexOf(Math.min(...valLosses));",
      "  return { net, bestEpoch, stopEpoch: null, valLosses }; // the last network, whatever the validation loss did",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E17-capstone-digits", "train", wrong);
    expectLosesOnly(tests, ["test_train", "test_train_hidden", "test_capstone"]);
  }, 600_000);
});
