// Grading one submission, as a pipeline of small named steps over the
// notebook (the way nbgrader's autograde is a chain of preprocessors), each
// in its own file:
//
//   read (refuse links) → check language and size → restore instructor cells
//   (restore.ts) → plan runs (instrument.ts, split.ts) → execute in the
//   sandbox (execute.ts) → judge each run here, against the solution's
//   expectations (judge.ts, expectations.ts) → feedback (feedback.ts)
//
// Verdicts are decided in this process only; the student's kernel reports
// values (docs/security.md). Nothing a submission does can throw out of
// gradeSubmission: every failure becomes a result with a reason.
import { createHash } from "node:crypto";
import fs from "node:fs";
import type { Notebook } from "../notebook";
import { NotebookError, parseNotebook } from "../notebook";
import { KernelStartError, notebookLanguage } from "../engine";
import { cellRole, gradeId, testCells } from "../assignment/metadata";
import type { CompilerPool } from "./compiler";
import { executeSteps, StepOutcome } from "./execute";
import type { Expectations } from "./expectations";
import { errorLine, firstHiddenRun, runFeedback } from "./feedback";
import { applyForbiddenPolicy, ForbiddenPolicy } from "./forbidden";
import { planSteps, TestRun } from "./instrument";
import { judgeRun } from "./judge";
import { restoreSubmission } from "./restore";
import { Limits, SandboxRoot, sandboxedKernel } from "./sandbox";
import { Scrubber } from "./scrub";
import type { SubmissionResult, TestResult } from "./types";

export interface GradeContext {
  assignment: Notebook;
  assignmentSha256: string;
  maxScore: number;
  compiler: CompilerPool;
  sandbox: SandboxRoot;
  limits: Limits;
  scrub: Scrubber;
  /** The assignment's test runs, split for both kernels (instrument.ts). */
  tests: Map<string, TestRun[]>;
  /** What each check expects, from the solution's run (expectations.ts). */
  expectations: Expectations;
  /** Overrides the assignment's policy for forbidden library functions (forbidden.ts). */
  forbiddenPolicy?: ForbiddenPolicy;
}

export interface Job {
  student: string;
  /** Path of the submission file. */
  path: string;
  /** Position in the batch (names the private working folder). */
  index: number;
}

/** A result with every test "not run" and 0 points: the start of every grading, and what a failure leaves. */
export function unscoredResult(ctx: GradeContext, job: Job, reason = ""): SubmissionResult {
  return {
    student: job.student,
    submission: job.path,
    submissionSha256: null,
    assignmentSha256: ctx.assignmentSha256,
    status: "failed",
    score: 0,
    maxScore: ctx.maxScore,
    reason,
    tests: testCells(ctx.assignment).map((t) => ({ gradeId: t.gradeId, maxScore: t.points, score: 0, status: "failed", output: "not run", hidden: false })),
    tampering: [],
    notes: [],
    problems: reason ? [reason] : [],
    executionTime: 0,
    gradedAt: new Date().toISOString(),
  };
}

export async function gradeSubmission(ctx: GradeContext, job: Job): Promise<SubmissionResult> {
  const started = Date.now();
  const base = unscoredResult(ctx, job);
  const done = (r: SubmissionResult) => ({ ...r, executionTime: round((Date.now() - started) / 1000, 3) });
  const fail = (reason: string) => done({ ...base, reason: ctx.scrub.text(reason), tests: base.tests.map((t) => ({ ...t, output: `not run: ${reason}` })) });

  // -- read (a link could point at anything the grader can read, the solution included)
  let bytes: Buffer;
  try {
    const kind = fs.lstatSync(job.path);
    if (kind.isSymbolicLink()) return fail("the submission is a symbolic link; submit the notebook file itself");
    if (!kind.isFile()) return fail("the submission is not a regular file");
    bytes = fs.readFileSync(job.path);
  } catch (e) {
    return fail(`cannot read the submission: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  base.submissionSha256 = createHash("sha256").update(bytes).digest("hex");
  let submission: Notebook;
  try {
    submission = parseNotebook(bytes);
  } catch (e) {
    if (e instanceof NotebookError) return fail(`the submission ${e.message}`);
    return fail(`the submission could not be read: ${(e as Error).message}`);
  }

  // -- check language and size
  const language = notebookLanguage(submission);
  if (language !== undefined && language !== "typescript") {
    return fail(`the submission is a ${language} notebook, not TypeScript`);
  }
  const codeCells = submission.cells.filter((c) => c.cell_type === "code").length;
  if (codeCells > ctx.limits.maxCells) {
    return fail(`the submission has ${codeCells} code cells; at most ${ctx.limits.maxCells} are graded`);
  }

  // -- restore instructor cells
  let restored;
  try {
    restored = restoreSubmission(ctx.assignment, submission);
  } catch (e) {
    return fail(`the submission's cells could not be matched to the assignment: ${(e as Error).message}`);
  }
  base.tampering = restored.tampering;
  base.notes = restored.notes;

  // -- plan and execute
  const steps = planSteps(restored.notebook, ctx.tests, "student");
  let outcomes: StepOutcome[];
  const workdir = ctx.sandbox.workdir(job.index);
  try {
    outcomes = await executeSteps(steps, { kernel: (maxOutputBytes) => ({ ...sandboxedKernel(ctx.sandbox, workdir, ctx.limits), maxOutputBytes }), compiler: ctx.compiler, limits: ctx.limits, problems: base.problems });
  } catch (e) {
    const why = e instanceof KernelStartError ? `the grading kernel did not start: ${e.message}` : `grading failed: ${(e as Error).message}`;
    return { ...fail(why), problems: [`grader error: ${why}`] };
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }

  // -- judge (here, in the grader) and feedback
  const hiddenFrom = firstHiddenRun(outcomes);
  outcomes.forEach((o, i) => {
    if (o.step.test || !o.exec || o.exec.status === "ok") return;
    base.problems.push(`${describeCell(restored.notebook, o.step.cell)}: ${errorLine(o, i < hiddenFrom)}`);
  });
  outcomes.forEach((o, i) => {
    if (o.step.test && o.exec && o.exec.status !== "ok" && o.exec.status !== "error") base.problems.push(`test "${o.step.test.gradeId}": ${errorLine(o, i < hiddenFrom)}`);
  });
  const tests = score(ctx, outcomes, hiddenFrom);
  const total = round(tests.reduce((s, t) => s + t.score, 0), 4);
  const scored: SubmissionResult = {
    ...base,
    status: "graded",
    score: total,
    tests,
    problems: base.problems.map((p) => ctx.scrub.text(p)),
    reason: "",
  };
  const result = applyForbiddenPolicy(scored, restored.notebook, ctx.assignment, ctx.forbiddenPolicy);
  result.reason = ctx.scrub.text(reasonLine(result));
  return done(result);
}

function score(ctx: GradeContext, outcomes: StepOutcome[], hiddenFrom: number): TestResult[] {
  const results: TestResult[] = [];
  for (const t of testCells(ctx.assignment)) {
    const runs = outcomes.map((o, i) => ({ o, i })).filter(({ o }) => o.step.test?.gradeId === t.gradeId);
    const lines: string[] = [];
    let fraction = runs.length > 0 ? 1 : 0;
    for (const { o, i } of runs) {
      const run = o.step.test as TestRun;
      const verdict = o.exec ? judgeRun(run, ctx.expectations.get(run.id), o.exec) : undefined;
      fraction = Math.min(fraction, verdict?.fraction ?? 0);
      lines.push(...runFeedback(o, verdict, i < hiddenFrom));
    }
    if (runs.length === 0) lines.push("not run: the test cell is missing from the graded notebook");
    const points = round(t.points * fraction, 4);
    results.push({
      gradeId: t.gradeId,
      maxScore: t.points,
      score: points,
      status: points >= t.points ? "passed" : "failed",
      output: ctx.scrub.text(limitText(lines.join("\n").trim(), 4000)),
      hidden: runs.some(({ o }) => o.step.test?.hidden),
    });
  }
  return results;
}

function describeCell(nb: Notebook, index: number): string {
  const cell = nb.cells[index];
  const id = gradeId(cell);
  const role = cellRole(cell);
  if (role === "solution" && id) return `answer cell "${id}"`;
  if (role === "locked" && id) return `cell "${id}"`;
  return `cell ${index + 1}`;
}

/** The grades.csv reason: the first problem of each kind, briefly. */
function reasonLine(r: SubmissionResult): string {
  const passed = r.tests.filter((t) => t.status === "passed").length;
  const parts: string[] = [`${passed} of ${r.tests.length} tests passed`];
  if (r.problems.length) parts.push(r.problems.slice(0, 2).join("; ") + (r.problems.length > 2 ? ` (+${r.problems.length - 2} more)` : ""));
  if (r.tampering.length) parts.push(`tampering: ${r.tampering.slice(0, 2).join("; ")}${r.tampering.length > 2 ? ` (+${r.tampering.length - 2} more)` : ""}`);
  if (r.notes.length) parts.push(r.notes.slice(0, 2).join("; ") + (r.notes.length > 2 ? ` (+${r.notes.length - 2} more)` : ""));
  return parts.join(" | ");
}

function limitText(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 40) + `\n… (${s.length - max + 40} more characters)` : s;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
