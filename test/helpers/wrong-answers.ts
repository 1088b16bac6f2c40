// Grading an exercise with plausible wrong answers (issue 4, acceptance 4):
// take the released student version, fill every answer cell with the
// instructor's solution, put one wrong answer into one solution region, and
// grade that submission with the real grader next to the fully correct one
// (whose hidden cells must pass, so a hidden test that fails for everyone
// cannot make a case pass). Used by test/integration/exercises-wrong-answers*.test.ts.
import { expect } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readNotebookFile, serializeNotebook } from "../../tools/notebook";
import { generateStudentVersion, gradeId, isSolution, splitRegions, stripMarkers } from "../../tools/assignment";
import { CompilerPool, gradeBatch, SandboxRoot, TestResult } from "../../tools/grader";

const SOLUTIONS = path.join(__dirname, "..", "..", "solutions");

/** One wrong answer: solution region number `region` (0-based, default 0) of the answer cell `cell` (a grade_id) becomes `body`. */
export interface WrongAnswer {
  cell: string;
  body: string;
  region?: number;
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

  /**
   * Grades `solutions/<exercise>.ipynb` answered correctly everywhere, and once per named wrong answer
   * (correct except for that one region), all in one batch.
   */
  async grade(exercise: string, wrongs: Record<string, WrongAnswer>): Promise<{ correct: Graded; wrong: Record<string, Graded> }> {
    const solutionFile = path.join(SOLUTIONS, `${exercise}.ipynb`);
    const solution = readNotebookFile(solutionFile);
    const dir = fs.mkdtempSync(path.join(this.workDir, `${exercise}-`));
    const write = (name: string, wrong?: WrongAnswer): string => {
      // A correct student writes the instructor's code; the wrong answer replaces one region of one cell.
      const answers = new Map<string, string>();
      for (const c of solution.cells) {
        const id = gradeId(c);
        if (!id || !isSolution(c)) continue;
        answers.set(id, wrong && id === wrong.cell ? replaceRegion(c.source, wrong.body, wrong.region ?? 0) : stripMarkers(c.source));
      }
      if (wrong && !answers.has(wrong.cell)) throw new Error(`${exercise} has no answer cell "${wrong.cell}"`);
      const submission = generateStudentVersion(solution);
      for (const c of submission.cells) {
        const id = gradeId(c);
        if (id && answers.has(id)) c.source = answers.get(id)!;
      }
      const file = path.join(dir, `${name}.ipynb`);
      fs.writeFileSync(file, serializeNotebook(submission));
      return file;
    };
    const correctFile = write("correct");
    const wrongFiles = Object.entries(wrongs).map(([name, w], k) => [name, write(`wrong-${k}`, w)] as const);
    const summary = await gradeBatch({
      assignment: solutionFile,
      submissions: [correctFile, ...wrongFiles.map(([, f]) => f)],
      outDir: path.join(dir, "out"),
      jobs: 2,
      compiler: this.compiler,
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
