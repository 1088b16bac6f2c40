// Grading the course's exercises (solutions/EXX-*.ipynb) with the real grader
// in integration tests: one grader per test file, submissions answered as the
// instructor did, and the wrong-answer check (issue 4: a plausible wrong answer
// passes the visible test cell and loses the hidden one).
//
//   const grader = useExerciseGrader();             // once, at the top of a test file
//   it("E05: rule 0 without the 1/N", async () => {
//     const graded = await grader.gradeWithWrongAnswer("E05-backprop-rules", "rule0", "  return scale(sub(output, y), 2);");
//     expectCaught(graded, "test_rule0", "test_rule0_hidden");
//   }, 300_000);
import { afterAll, beforeAll, expect } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Notebook, readNotebookFile, serializeNotebook } from "../../tools/notebook";
import { generateStudentVersion, gradeId, isSolution, splitRegions, stripMarkers } from "../../tools/assignment";
import { BatchSummary, CompilerPool, GradeOptions, gradeBatch, SandboxRoot, TestResult } from "../../tools/grader";

export const SOLUTIONS = path.join(__dirname, "..", "..", "solutions");

/** One exercise graded twice: answered correctly, and with one wrong answer. Each maps grade_id → the test cell's result. */
export interface Graded {
  correct: Map<string, TestResult>;
  wrong: Map<string, TestResult>;
}

export interface ExerciseGrader {
  /** A new, empty folder inside this test file's temporary folder (removed after the file's tests). */
  folder(name: string): string;
  /** gradeBatch with this file's warm compiler pool. */
  grade(opts: Omit<GradeOptions, "compiler">): Promise<BatchSummary>;
  /**
   * Grades `solutions/<exercise>.ipynb` twice: answered as the instructor did
   * everywhere, and the same except that solution region `region` (0-based) of
   * the answer cell `cell` (a grade_id) is replaced by `wrong`.
   */
  gradeWithWrongAnswer(exercise: string, cell: string, wrong: string, region?: number): Promise<Graded>;
}

/** Starts one grader (a sandbox root and a warm compiler pool) before the calling file's tests and stops it after them. */
export function useExerciseGrader(): ExerciseGrader {
  let sandbox: SandboxRoot | undefined;
  let compiler: CompilerPool | undefined;
  let workDir: string | undefined;
  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-exercise-grading-"));
    sandbox = SandboxRoot.create();
    compiler = await CompilerPool.start({ cwd: sandbox.compileDir });
  }, 600_000);
  afterAll(async () => {
    await compiler?.close();
    sandbox?.dispose();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  const started = () => {
    if (!workDir || !compiler) throw new Error("useExerciseGrader(): the grader starts in beforeAll; use it inside a test");
    return { workDir, compiler };
  };
  const folder = (name: string) => fs.mkdtempSync(path.join(started().workDir, `${name}-`));
  const grade = (opts: Omit<GradeOptions, "compiler">) => gradeBatch({ ...opts, compiler: started().compiler });

  async function gradeWithWrongAnswer(exercise: string, cell: string, wrong: string, region = 0): Promise<Graded> {
    const solutionFile = path.join(SOLUTIONS, `${exercise}.ipynb`);
    const solution = readNotebookFile(solutionFile);
    if (!solution.cells.some((c) => gradeId(c) === cell && isSolution(c))) throw new Error(`${exercise} has no answer cell "${cell}"`);
    const dir = folder(exercise);
    const write = (name: string, nb: Notebook): string => {
      const file = path.join(dir, `${name}.ipynb`);
      fs.writeFileSync(file, serializeNotebook(nb));
      return file;
    };
    const files = {
      correct: write("correct", studentSubmission(solution)),
      wrong: write("wrong", studentSubmission(solution, (id, source) => (id === cell ? replaceRegion(source, wrong, region) : stripMarkers(source)))),
    };
    const summary = await grade({ assignment: solutionFile, submissions: Object.values(files), outDir: path.join(dir, "out"), jobs: 2 });
    const byFile = (file: string) => {
      const r = summary.results.find((x) => path.resolve(x.submission) === path.resolve(file));
      expect(r, `no result for ${file}`).toBeDefined();
      expect(r!.status, r!.reason).toBe("graded");
      return new Map(r!.tests.map((t) => [t.gradeId, t]));
    };
    return { correct: byFile(files.correct), wrong: byFile(files.wrong) };
  }

  return { folder, grade, gradeWithWrongAnswer };
}

/**
 * The released student version of `solution` with every answer cell filled in:
 * `answer(gradeId, solutionSource)` gives a cell's source; by default the
 * instructor's code with the solution markers dropped.
 */
export function studentSubmission(solution: Notebook, answer: (id: string, source: string) => string = (_id, source) => stripMarkers(source)): Notebook {
  const answers = new Map<string, string>();
  for (const c of solution.cells) {
    const id = gradeId(c);
    if (id && isSolution(c)) answers.set(id, answer(id, c.source));
  }
  const submission = generateStudentVersion(solution);
  for (const c of submission.cells) {
    const id = gradeId(c);
    if (id && answers.has(id)) c.source = answers.get(id)!;
  }
  return submission;
}

/** The cell source with solution region number `region` (0-based) replaced by `body`, markers dropped. */
export function replaceRegion(source: string, body: string, region: number): string {
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

/** With the wrong answer the visible test cell earns all its points and the hidden one none; with the correct answer the hidden one earns all of its. */
export function expectCaught(graded: Graded, visible: string, hidden: string): void {
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

/** Every listed test cell earns nothing with the wrong answer and all its points with the correct one (a mistake the visible tests show too). */
export function expectAllCatch(graded: Graded, ids: string[]): void {
  for (const id of ids) {
    expect(graded.wrong.get(id), `no test cell ${id}`).toBeDefined();
    expect(graded.wrong.get(id)!.score, `${id} should fail with the wrong answer`).toBe(0);
    expect(graded.correct.get(id)!.score, `${id} should pass with the correct answer`).toBe(graded.correct.get(id)!.maxScore);
  }
}
