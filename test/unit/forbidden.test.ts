// The forbidden-functions grading step on small notebooks: which answer
// cells use a forbidden library function (however it was imported), and
// what each policy does to a result.
import { describe, expect, it } from "vitest";
import type { Cell, Notebook } from "../../tools/notebook";
import { applyForbiddenPolicy, findForbiddenUses, forbiddenMetadataProblems, forbiddenPolicy } from "../../tools/grader/forbidden";
import type { SubmissionResult } from "../../tools/grader/types";

const meta = (m: Record<string, unknown>) => ({ nbgrader: { schema_version: 3, locked: false, grade: false, solution: false, ...m } });
const setup = (source: string): Cell => ({ cell_type: "code", metadata: meta({ grade_id: "setup", locked: true }), source, outputs: [], execution_count: null });
const answer = (id: string, source: string): Cell => ({ cell_type: "code", metadata: meta({ grade_id: id, solution: true }), source, outputs: [], execution_count: null });
const test = (id: string, source: string): Cell => ({ cell_type: "code", metadata: meta({ grade_id: id, grade: true, locked: true, points: 2 }), source, outputs: [], execution_count: null });
const scratch = (source: string): Cell => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null });

function notebook(cells: Cell[], nnlab?: Record<string, unknown>): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: nnlab ? { nnlab } : {}, cells } as Notebook;
}

const FORBIDDEN = ["gradientStep", "fullBatchStep"];

/** The instructor's notebook: step() and walk() are answers, each with its test. */
const assignment = (policy?: string) =>
  notebook(
    [
      setup('import { check } from "nnlab";'),
      answer("step", "function step(v: number[], g: number[], lr: number): number[] {\n  return v.map((x, k) => x - lr * g[k]);\n}"),
      test("test_step", "check.equal(step([1], [1], 1), [0]);"),
      answer("walk", "function walk(v: number[]): number[] {\n  return step(v, v, 0.5);\n}"),
      test("test_walk", "check.equal(walk([2]), [1]);"),
    ],
    { forbidden: FORBIDDEN, ...(policy ? { forbiddenPolicy: policy } : {}) },
  );

/** The assignment with the answer cells replaced. */
function submission(step: string, walk = "function walk(v: number[]): number[] {\n  return step(v, v, 0.5);\n}", extra: Cell[] = []): Notebook {
  const nb = assignment();
  nb.cells[1].source = step;
  nb.cells[3].source = walk;
  nb.cells.splice(1, 0, ...extra);
  return nb;
}

const uses = (nb: Notebook) => findForbiddenUses(nb, FORBIDDEN).map((u) => `${u.gradeId}:${u.how}:${u.name}:${u.line}`);

describe("findForbiddenUses", () => {
  it("flags a named import and its call in an answer cell", () => {
    const nb = submission('import { gradientStep } from "nnlab";\nfunction step(v: number[], g: number[], lr: number): number[] {\n  return gradientStep(v, g, lr);\n}');
    expect(uses(nb)).toEqual(["step:imports:gradientStep:1", "step:uses:gradientStep:3"]);
  });

  it("follows a renamed import made in a scratch cell into the answer that calls it", () => {
    const nb = submission("function step(v: number[], g: number[], lr: number): number[] {\n  return gs(v, g, lr);\n}", undefined, [
      scratch('import { gradientStep as gs } from "nnlab";'),
    ]);
    expect(uses(nb)).toEqual(["step:uses:gradientStep:2"]);
  });

  it("flags namespace access, element access and require()", () => {
    const ns = submission('import * as nn from "nnlab";\nfunction step(v: number[], g: number[], lr: number): number[] {\n  return nn.gradientStep(v, g, lr);\n}');
    expect(uses(ns)).toEqual(["step:uses:gradientStep:3"]);
    const el = submission('import nnlab from "nnlab";\nfunction step(v: number[], g: number[], lr: number): number[] {\n  return nnlab["fullBatchStep"](v, g, lr);\n}');
    expect(uses(el)).toEqual(["step:uses:fullBatchStep:3"]);
    const req = submission('const { gradientStep: f } = require("nnlab");\nfunction step(v: number[], g: number[], lr: number): number[] {\n  return f(v, g, lr);\n}');
    expect(uses(req)).toEqual(["step:imports:gradientStep:1", "step:uses:gradientStep:3"]);
    const direct = submission('function step(v: number[], g: number[], lr: number): number[] {\n  return require("nnlab").gradientStep(v, g, lr);\n}');
    expect(uses(direct)).toEqual(["step:uses:gradientStep:2"]);
  });

  it("flags a reference that is not a call (passing the function along)", () => {
    const nb = submission("function step(v: number[], g: number[], lr: number): number[] {\n  const f = gradientStep;\n  return f(v, g, lr);\n}", undefined, [scratch('import { gradientStep } from "nnlab";')]);
    expect(uses(nb)).toEqual(["step:uses:gradientStep:2"]);
  });

  it("leaves alone a student's own function of the same name, other modules, other libraries' names and non-answer cells", () => {
    const own = submission("function gradientStep(v: number[], g: number[], lr: number): number[] {\n  return v.map((x, k) => x - lr * g[k]);\n}\nfunction step(v: number[], g: number[], lr: number): number[] {\n  return gradientStep(v, g, lr);\n}");
    expect(uses(own)).toEqual([]);
    const other = submission('import { gradientStep } from "./mine";\nfunction step(v: number[], g: number[], lr: number): number[] {\n  return gradientStep(v, g, lr);\n}');
    expect(uses(other)).toEqual([]);
    const prop = submission("function step(v: number[], g: number[], lr: number): number[] {\n  const o = { gradientStep: 1 };\n  return v.map((x, k) => x - lr * g[k] * o.gradientStep);\n}");
    expect(uses(prop)).toEqual([]);
    // A scratch cell may try the library function out; only answers are judged.
    const tryOut = submission("function step(v: number[], g: number[], lr: number): number[] {\n  return v.map((x, k) => x - lr * g[k]);\n}", undefined, [
      scratch('import { gradientStep } from "nnlab";\ngradientStep([1], [1], 1);'),
    ]);
    expect(uses(tryOut)).toEqual([]);
  });

  it("finds nothing when the assignment forbids nothing", () => {
    const nb = submission('import { gradientStep } from "nnlab";\nconst step = gradientStep;');
    expect(findForbiddenUses(nb, [])).toEqual([]);
  });
});

describe("applyForbiddenPolicy", () => {
  const result = (): SubmissionResult => ({
    student: "s",
    submission: "s.ipynb",
    submissionSha256: null,
    assignmentSha256: "x",
    status: "graded",
    score: 4,
    maxScore: 4,
    reason: "",
    tests: [
      { gradeId: "test_step", maxScore: 2, score: 2, status: "passed", output: "", hidden: false },
      { gradeId: "test_walk", maxScore: 2, score: 2, status: "passed", output: "", hidden: false },
    ],
    tampering: [],
    notes: [],
    problems: [],
    executionTime: 0,
    gradedAt: "",
  });
  const cheating = () => submission('import { gradientStep } from "nnlab";\nfunction step(v: number[], g: number[], lr: number): number[] {\n  return gradientStep(v, g, lr);\n}');

  it("flag: keeps the points, says why in the test's output and in the notes", () => {
    const r = applyForbiddenPolicy(result(), cheating(), assignment());
    expect(r.score).toBe(4);
    expect(r.tests[0].output).toContain('Flagged: answer cell "step" uses nnlab\'s gradientStep (line 3), which this exercise forbids.');
    expect(r.tests[1].output).toBe(""); // walk() is the student's own code; its test is not touched
    expect(r.notes.join("\n")).toContain("flagged only");
  });

  it("zero: the tests of the flagged answer earn nothing; the others keep their points", () => {
    for (const r of [applyForbiddenPolicy(result(), cheating(), assignment("zero")), applyForbiddenPolicy(result(), cheating(), assignment(), "zero")]) {
      expect(r.tests[0]).toMatchObject({ score: 0, status: "failed" });
      expect(r.tests[0].output).toContain("0 points: answer cell \"step\" uses nnlab's gradientStep");
      expect(r.tests[1]).toMatchObject({ score: 2, status: "passed" });
      expect(r.score).toBe(2);
      expect(r.notes.join("\n")).toContain("its tests earn no points");
    }
  });

  it("changes nothing for a clean answer, and the command-line policy wins over the notebook's", () => {
    const clean = submission("function step(v: number[], g: number[], lr: number): number[] {\n  return v.map((x, k) => x - lr * g[k]);\n}");
    expect(applyForbiddenPolicy(result(), clean, assignment("zero"))).toEqual(result());
    expect(forbiddenPolicy(assignment("zero"), "flag")).toBe("flag");
    expect(forbiddenPolicy(assignment())).toBe("flag");
  });

  it("reports malformed metadata", () => {
    expect(forbiddenMetadataProblems(notebook([], { forbidden: "gradientStep", forbiddenPolicy: "harsh" }))).toHaveLength(2);
    expect(forbiddenMetadataProblems(assignment("zero"))).toEqual([]);
  });
});
