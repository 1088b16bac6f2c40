// Grading an exercise with plausible wrong answers (issue 4, acceptance 4):
// take the released student version, fill every answer cell with the
// instructor's solution, put one wrong answer into one solution region, and
// grade that submission with the real grader next to the fully correct one
// (whose hidden cells must pass, so a hidden test that fails for everyone
// cannot make a case pass). Used by test/integration/exercises-wrong-answers*.test.ts,
// and by capstone-seeds.slow.test.ts for its grader and its submissions.
//
//   let grader: WrongAnswerGrader;
//   beforeAll(async () => void (grader = await WrongAnswerGrader.start()), 600_000);
//   afterAll(async () => grader?.close());
//   it("E05: rule 0 without the 1/N", async () => {
//     const { correct, wrong } = await grader.gradeOne("E05-backprop-rules", { cell: "rule0", body: "  return scale(sub(output, y), 2);" });
//     expectCaught(correct, wrong, "test_rule0", "test_rule0_hidden");
//   }, 300_000);
import { expect } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Notebook, readNotebookFile, serializeNotebook } from "../../tools/notebook";
import { generateStudentVersion, gradeId, isSolution, splitRegions, stripMarkers } from "../../tools/assignment";
import { BatchSummary, CompilerPool, GradeOptions, gradeBatch, SandboxRoot, TestResult } from "../../tools/grader";

const SOLUTIONS = path.join(__dirname, "..", "..", "solutions");

/** One wrong answer: solution region number `region` (0-based, default 0) of the answer cell `cell` (a grade_id) becomes `body`. */
export interface WrongAnswer {
  cell: string;
  body: string;
  region?: number;
}

/** The wrong answer for `exercise` in test/fixtures/wrong-answers/shared.json, which scripts/nbgrader_parity.py grades too. */
export function sharedWrongAnswer(exercise: string): WrongAnswer {
  const all = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "wrong-answers", "shared.json"), "utf8")) as Record<string, { cell: string; region: number; lines: string[] }>;
  const entry = all[exercise];
  if (!entry) throw new Error(`test/fixtures/wrong-answers/shared.json has no wrong answer for ${exercise}`);
  return { cell: entry.cell, region: entry.region, body: entry.lines.join("\n") };
}

/** The grader's result per test cell, by grade_id. */
export type Graded = Map<string, TestResult>;

/** The cell source with solution region number `region` replaced by `body`, markers dropped. */
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

/** A compiler pool and sandbox shared by every grading of one test file: start it in beforeAll, close it in afterAll. */
export class WrongAnswerGrader {
  private constructor(
    private readonly sandbox: SandboxRoot,
    private readonly compiler: CompilerPool,
    private readonly workDir: string,
  ) {}

  static async start(): Promise<WrongAnswerGrader> {
    const sandbox = SandboxRoot.create();
    const compiler = await CompilerPool.start({ cwd: sandbox.compileDir });
    return new WrongAnswerGrader(sandbox, compiler, fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-wrong-answers-")));
  }

  async close(): Promise<void> {
    await this.compiler.close();
    this.sandbox.dispose();
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }

  /** A new, empty folder inside this grader's temporary folder (removed by close()). */
  folder(name: string): string {
    return fs.mkdtempSync(path.join(this.workDir, `${name}-`));
  }

  /** gradeBatch with this grader's warm compiler pool. */
  gradeFiles(opts: Omit<GradeOptions, "compiler">): Promise<BatchSummary> {
    return gradeBatch({ ...opts, compiler: this.compiler });
  }

  /** grade() with a single wrong answer. */
  async gradeOne(exercise: string, wrong: WrongAnswer): Promise<{ correct: Graded; wrong: Graded }> {
    const graded = await this.grade(exercise, { wrong });
    return { correct: graded.correct, wrong: graded.wrong.wrong };
  }

  /**
   * Grades `solutions/<exercise>.ipynb` answered correctly everywhere, and once per named wrong answer
   * (correct except for that one region), all in one batch.
   */
  async grade(exercise: string, wrongs: Record<string, WrongAnswer>): Promise<{ correct: Graded; wrong: Record<string, Graded> }> {
    const solutionFile = path.join(SOLUTIONS, `${exercise}.ipynb`);
    const solution = readNotebookFile(solutionFile);
    const dir = this.folder(exercise);
    const write = (name: string, wrong?: WrongAnswer): string => {
      // A correct student writes the instructor's code; the wrong answer replaces one region of one cell.
      if (wrong && !solution.cells.some((c) => gradeId(c) === wrong.cell && isSolution(c))) throw new Error(`${exercise} has no answer cell "${wrong.cell}"`);
      const submission = studentSubmission(solution, (id, source) =>
        wrong && id === wrong.cell ? replaceRegion(source, wrong.body, wrong.region ?? 0) : stripMarkers(source),
      );
      const file = path.join(dir, `${name}.ipynb`);
      fs.writeFileSync(file, serializeNotebook(submission));
      return file;
    };
    const correctFile = write("correct");
    const wrongFiles = Object.entries(wrongs).map(([name, w], k) => [name, write(`wrong-${k}`, w)] as const);
    const summary = await this.gradeFiles({
      assignment: solutionFile,
      submissions: [correctFile, ...wrongFiles.map(([, f]) => f)],
      outDir: path.join(dir, "out"),
      jobs: 2,
    });
    const byFile = (file: string): Graded => {
      const r = summary.results.find((x) => path.resolve(x.submission) === path.resolve(file));
      expect(r, `no result for ${file}`).toBeDefined();
      expect(r!.status, r!.reason).toBe("graded");
      return new Map(r!.tests.map((t) => [t.gradeId, t]));
    };
    return { correct: byFile(correctFile), wrong: Object.fromEntries(wrongFiles.map(([name, f]) => [name, byFile(f)])) };
  }
}

/** The test cell `id` exists in both gradings, earns every point with the correct answer and none with the wrong one. */
export function expectLoses(correct: Graded, wrong: Graded, id: string): void {
  const ok = correct.get(id);
  const bad = wrong.get(id);
  expect(ok && bad, `no test cell ${id}`).toBeTruthy();
  expect(ok!.maxScore).toBeGreaterThan(0);
  expect(ok!.score, `${id} should pass with the correct answer:\n${ok!.output}`).toBe(ok!.maxScore);
  expect(bad!.score, `${id} should fail with the wrong answer:\n${bad!.output}`).toBe(0);
  expect(bad!.status).toBe("failed");
}

/** With the wrong answer the visible test cell still earns all its points and the hidden one none. */
export function expectCaught(correct: Graded, wrong: Graded, visible: string, hidden: string): void {
  const v = wrong.get(visible);
  expect(v, `no test cell ${visible}`).toBeDefined();
  expect(v!.maxScore).toBeGreaterThan(0);
  expect(v!.score, `${visible} should pass with the wrong answer:\n${v!.output}`).toBe(v!.maxScore);
  expectLoses(correct, wrong, hidden);
}
