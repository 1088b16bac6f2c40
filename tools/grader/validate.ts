// `nnlab validate`: is this assignment gradable as written?
//   - the solution notebook earns every point of every test, with no errors;
//   - the untouched student version (stubs) earns nothing on any test that
//     uses what a solution cell declares (otherwise that test gives free
//     points), and its stubs type-check;
//   - no hidden test's verdict could be forged by the student's process
//     (warnings: see forgeryWarnings).
// Both notebooks go through the real grading pipeline.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readNotebookFile, writeNotebookFile } from "../notebook";
import { AssignmentError, checkAssignment, generateStudentVersion } from "../assignment/generate";
import { testDependencies } from "../assignment/dependencies";
import { gradeBatch } from "./batch";
import { planTests } from "./instrument";
import type { Notebook } from "../notebook";
import type { CompilerPool } from "./compiler";
import type { Limits } from "./sandbox";
import type { SubmissionResult } from "./types";

export interface ValidationReport {
  file: string;
  ok: boolean;
  /** What is wrong, one line each (empty when ok). */
  problems: string[];
  /** Tests whose verdict the student's process could forge, or that a trivial answer passes. */
  warnings: string[];
  solution?: SubmissionResult;
  student?: SubmissionResult;
}

export async function validateAssignment(file: string, opts: { limits?: Partial<Limits>; compiler?: CompilerPool } = {}): Promise<ValidationReport> {
  let solutionNb;
  try {
    solutionNb = readNotebookFile(file);
    checkAssignment(solutionNb, file);
  } catch (e) {
    const problems = e instanceof AssignmentError ? e.problems : [(e as Error).message];
    return { file, ok: false, problems, warnings: [] };
  }
  const warnings = forgeryWarnings(solutionNb);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-validate-"));
  try {
    const solutionFile = path.join(work, "solution.ipynb");
    const studentFile = path.join(work, "student.ipynb");
    writeNotebookFile(solutionFile, solutionNb);
    writeNotebookFile(studentFile, generateStudentVersion(solutionNb, file));
    const summary = await gradeBatch({ assignment: file, submissions: [solutionFile, studentFile], outDir: path.join(work, "out"), force: true, jobs: 2, limits: opts.limits, compiler: opts.compiler });
    const solution = summary.results.find((r) => r.student === "solution")!;
    const student = summary.results.find((r) => r.student === "student")!;
    const problems: string[] = [];

    if (solution.status !== "graded") problems.push(`the solution could not be graded: ${solution.reason}`);
    for (const p of solution.problems) problems.push(`solution: ${p}`);
    for (const t of solution.tests) {
      if (t.score < t.maxScore) problems.push(`solution: test "${t.gradeId}" earns ${t.score} of ${t.maxScore} points${t.output ? ` — ${firstLines(t.output)}` : ""}`);
    }

    const deps = testDependencies(solutionNb);
    for (const p of student.problems) {
      // The stubs are supposed to throw "not implemented" when called; anything else is a broken stub.
      if (!/not implemented/.test(p)) problems.push(`student version: ${p}`);
    }
    for (const t of student.tests) {
      const uses = deps.get(t.gradeId) ?? [];
      if (uses.length > 0 && t.score > 0) {
        problems.push(`student version: test "${t.gradeId}" gives ${t.score} of ${t.maxScore} points to the untouched stubs (it uses ${uses.join(", ")}); make it fail until they are implemented`);
      }
    }
    return { file, ok: problems.length === 0, problems, warnings, solution, student };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function firstLines(s: string): string {
  const lines = s.split("\n").filter((l) => l.trim() !== "");
  const text = lines.slice(0, 3).join(" / ");
  return text.length > 300 ? text.slice(0, 297) + "..." : text;
}

/**
 * Under the grading design (docs/security.md) the student's process only
 * reports actual values. A hidden test is forgeable when it lets that
 * process decide (check.ok on a condition, an expected value computed by the
 * student's code); any test is too weak when it only checks that something
 * throws (a function that always throws passes it), or when it depends on
 * chance or the clock (the solution's run and the student's would disagree).
 */
export function forgeryWarnings(nb: Notebook): string[] {
  const warnings: string[] = [];
  for (const [id, runs] of planTests(nb)) {
    for (const run of runs) for (const w of run.split.forgeable) warnings.push(`test "${id}"${run.hidden ? " (hidden)" : ""}, ${w}`);
    const sites = runs.flatMap((r) => r.split.sites);
    if (sites.length > 0 && sites.every((s) => s.kind === "throws")) warnings.push(`test "${id}" only checks that calls throw: a function that always throws passes it; add a check on a value`);
    if (runs.some((r) => /\b(Math\.random|Date\.now|performance\.now)\b|new Date\(\)/.test(r.split.trusted))) warnings.push(`test "${id}" uses Math.random or the clock: the solution's run and the student's would see different inputs; use a seeded Rng`);
  }
  return warnings;
}
