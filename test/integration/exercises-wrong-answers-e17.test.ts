// Hidden tests catch plausible wrong answers that the visible tests let
// through: E17, the capstone.
// Each case fills a released student version with the instructor's answers,
// puts one wrong answer into one solution region, grades it together with the
// fully correct submission with the real grader, and checks what each test
// cell earned (test/helpers/wrong-answers.ts; one file per exercise group).
//
// Adding a case: one `it(...)` calling grader.gradeOne, in the file of its exercise group.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCaught, Graded, WrongAnswerGrader } from "../helpers/wrong-answers";

let grader: WrongAnswerGrader;
beforeAll(async () => void (grader = await WrongAnswerGrader.start()), 600_000);
afterAll(async () => grader?.close());

describe("hidden tests catch plausible wrong answers that pass the visible tests: E17, the capstone", () => {
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
    const tests = await grader.gradeOne("E17-capstone-digits", { cell: "loss_and_gradients", body: wrong });
    expectCaught(tests.correct, tests.wrong, "test_loss_and_gradients", "test_loss_and_gradients_hidden");
  }, 600_000);

  // Acceptance 2 of issue 11: two plausible wrong capstones lose exactly the points that test what they got wrong.
  const capstoneCells = [
    "test_init_network", "test_init_network_hidden", "test_loss_and_gradients", "test_loss_and_gradients_hidden",
    "test_prepare_data", "test_prepare_data_hidden", "test_train", "test_train_hidden", "test_capstone", "test_capstone_hidden",
  ];
  function expectLosesOnly(graded: { correct: Graded; wrong: Graded }, losing: string[]): void {
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
    const tests = await grader.gradeOne("E17-capstone-digits", { cell: "prepare_data", body: wrong });
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
    const tests = await grader.gradeOne("E17-capstone-digits", { cell: "train", body: wrong });
    expectLosesOnly(tests, ["test_train", "test_train_hidden", "test_capstone"]);
  }, 600_000);
});
