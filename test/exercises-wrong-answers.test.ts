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
import { readNotebookFile, serializeNotebook } from "../lib/notebook";
import { generateStudentVersion, gradeId, isSolution, splitRegions, stripMarkers } from "../lib/assignment";
import { CompilerPool, gradeBatch, SandboxRoot, TestResult } from "../lib/grader";

const SOLUTIONS = path.join(__dirname, "..", "solutions");

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
  it("E01: intercepts counted per input unit, u(l−1)·(u(l)+1), instead of per output unit", async () => {
    // Equal to the right count whenever u(0) = u(L) (the visible examples), wrong for (10, 1), (10, 100, 1)…
    const wrong = [
      "  countWeights(units); // checks the sizes",
      "  let total = 0;",
      "  for (let l = 1; l < units.length; l++) total += units[l - 1] * (units[l] + 1);",
      "  return total;",
    ].join("\n");
    const tests = await gradeWithWrongAnswer("E01-parameter-counting", "count_with_intercepts", wrong);
    expectCaught(tests, "test_count_with_intercepts", "test_count_with_intercepts_hidden");
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

  it("E05: rule 0 of the total (sum) loss instead of the mean loss, missing the 1/N", async () => {
    const tests = await gradeWithWrongAnswer("E05-backprop-rules", "rule0", "  return scale(sub(output, y), 2);");
    expectCaught(tests, "test_rule0", "test_rule0_hidden");
  }, 300_000);
});
