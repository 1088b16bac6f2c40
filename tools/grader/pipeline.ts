// Grading one submission, as a pipeline of small named steps over the
// notebook (the way nbgrader's autograde is a chain of preprocessors):
//
//   read → check language and size → restore instructor cells → plan runs
//   → execute in the sandbox → score in this (parent) process → feedback
//
// Nothing a submission does can throw out of gradeSubmission: every failure
// becomes a result with status "failed" or a problem note, and a reason.
import { createHash, createHmac } from "node:crypto";
import fs from "node:fs";
import type { Notebook } from "../notebook";
import { NotebookError, parseNotebook } from "../notebook";
import { CellExecution, Kernel, KernelStartError, notebookLanguage } from "../engine";
import { cellRole, gradeId, testCells } from "../assignment/metadata";
import { CompilerPool, ConvertResult } from "./compiler";
import { NONCE_PLACEHOLDER, planSteps, Step } from "./instrument";
import { restoreSubmission } from "./restore";
import { AgentMessage, Attestation, runNonce } from "./sandbox/agent";
import type { CompiledCell } from "./sandbox/precompiled";
import { Limits, newKey, SandboxRoot, sandboxedKernel } from "./sandbox";
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
}

export interface Job {
  student: string;
  /** Path of the submission file. */
  path: string;
  /** Position in the batch (names the private working folder). */
  index: number;
}

/** After this many kernel crashes in one submission, the rest of it is not run. */
const MAX_RESTARTS = 3;

interface StepOutcome {
  step: Step;
  exec?: CellExecution;
  attestation?: Attestation;
  /** Why the step did not run. */
  skipped?: string;
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

  // -- read
  let bytes: Buffer;
  try {
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
  const steps = planSteps(restored.notebook);
  let outcomes: StepOutcome[];
  try {
    outcomes = await execute(ctx, job, steps, base.problems, restored.notebook);
  } catch (e) {
    const why = e instanceof KernelStartError ? `the grading kernel did not start: ${e.message}` : `grading failed: ${(e as Error).message}`;
    return { ...fail(why), problems: [`grader error: ${why}`] };
  }

  // -- score (here, in the parent)
  const tests = score(ctx, outcomes);
  const total = round(tests.reduce((s, t) => s + t.score, 0), 4);
  const result: SubmissionResult = {
    ...base,
    status: "graded",
    score: total,
    tests,
    problems: base.problems.map((p) => ctx.scrub.text(p)),
    reason: "",
  };
  result.reason = reasonLine(result);
  return done(result);
}

/** One kernel per submission; after a crash a new one replays the cells that had succeeded. */
async function execute(ctx: GradeContext, job: Job, steps: Step[], problems: string[], nb: Notebook): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  const deadline = Date.now() + ctx.limits.notebookTimeoutMs;
  const key = newKey();
  const workdir = ctx.sandbox.workdir(job.index);
  const start = () => Kernel.start(sandboxedKernel(ctx.sandbox, workdir, key, ctx.limits));
  let kernel = await start();
  let restarts = 0;
  let prevDecl = "";
  const replay: string[] = [];
  let stopReason: string | undefined;
  try {
    for (const step of steps) {
      if (stopReason) {
        outcomes.push({ step, skipped: stopReason });
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        stopReason = `the notebook exceeded its time limit (${ctx.limits.notebookTimeoutMs / 1000} s)`;
        problems.push(stopReason);
        outcomes.push({ step, skipped: stopReason });
        continue;
      }
      const converted = await ctx.compiler.convert(prevDecl, step.source);
      const envelope = packCell(converted, step.test ? runNonce(key, step.test.run) : undefined);
      const exec = await kernel.execute(envelope, { timeoutMs: Math.max(1, Math.min(ctx.limits.cellTimeoutMs, left)) });
      const outcome: StepOutcome = { step, exec, attestation: findAttestation(key, exec, step) };
      outcomes.push(outcome);
      if (exec.status === "ok") {
        prevDecl = converted.declOutput ?? "";
        replay.push(envelope);
      } else if (!step.test) {
        problems.push(`${describeCell(nb, step.cell)}: ${errorLine(exec)}`);
      } else if (exec.status !== "error") {
        problems.push(`test "${step.test.gradeId}": ${errorLine(exec)}`);
      }
      if (!kernel.alive) {
        if (restarts >= MAX_RESTARTS) {
          stopReason = `the kernel stopped ${restarts + 1} times; the rest of the notebook was not run`;
          problems.push(stopReason);
          continue;
        }
        restarts++;
        kernel = await start();
        // Bring the new kernel to the same state: every cell that succeeded, in order.
        for (const cell of replay) {
          const again = await kernel.execute(cell, { timeoutMs: ctx.limits.cellTimeoutMs });
          if (again.status !== "ok" || !kernel.alive) {
            stopReason = "after the kernel stopped, the cells before it could not be run again; the rest of the notebook was not run";
            problems.push(stopReason);
            break;
          }
        }
      }
    }
  } finally {
    await kernel.close();
    fs.rmSync(workdir, { recursive: true, force: true });
  }
  return outcomes;
}

/** The "source" the sandboxed kernel receives: an already converted cell (sandbox/precompiled.ts). */
function packCell(converted: ConvertResult, nonce: string | undefined): string {
  const result: CompiledCell["result"] = {
    output: converted.output,
    declOutput: converted.declOutput,
    diagnostics: converted.diagnostics,
    hasToplevelAwait: converted.hasToplevelAwait,
    lastExpressionVar: converted.lastExpressionVar,
  };
  if (nonce !== undefined && result.output !== undefined) result.output = result.output.split(NONCE_PLACEHOLDER).join(nonce);
  const cell: CompiledCell = { nnlabCompiled: 1, result };
  return JSON.stringify(cell);
}

/** The agent's report for this test run, if one arrived while it ran and its MAC checks out. */
function findAttestation(key: string, exec: CellExecution, step: Step): Attestation | undefined {
  if (!step.test) return undefined;
  for (const m of exec.messages) {
    const msg = m as Partial<AgentMessage>;
    if (msg?.nnlabGrader !== 1 || typeof msg.payload !== "string" || typeof msg.mac !== "string") continue;
    const expected = createHmac("sha256", key).update(msg.payload, "utf8").digest("hex");
    if (expected !== msg.mac) continue;
    try {
      const a = JSON.parse(msg.payload) as Attestation;
      if (a.run === step.test.run && typeof a.fraction === "number" && a.fraction >= 0 && a.fraction <= 1) return a;
    } catch {
      /* not ours */
    }
  }
  return undefined;
}

function score(ctx: GradeContext, outcomes: StepOutcome[]): TestResult[] {
  const results: TestResult[] = [];
  for (const t of testCells(ctx.assignment)) {
    const runs = outcomes.filter((o) => o.step.test?.gradeId === t.gradeId);
    // A run counts only with the agent's report AND a clean finish seen by the kernel.
    const passed = runs.length > 0 && runs.every((o) => o.attestation && o.exec?.status === "ok");
    const fraction = passed ? Math.min(...runs.map((o) => o.attestation!.fraction)) : 0;
    const points = round(t.points * fraction, 4);
    const lines: string[] = [];
    for (const o of runs) lines.push(...runFeedback(o));
    if (runs.length === 0) lines.push("not run: the test cell is missing from the graded notebook");
    results.push({
      gradeId: t.gradeId,
      maxScore: t.points,
      score: points,
      status: points >= t.points ? "passed" : "failed",
      output: ctx.scrub.text(limitText(lines.join("\n").trim(), 4000)),
      hidden: runs.some((o) => o.step.test?.hidden),
    });
  }
  return results;
}

/** Feedback lines for one run: visible output and errors; hidden runs only as a verdict. */
function runFeedback(o: StepOutcome): string[] {
  const hidden = o.step.test?.hidden;
  if (o.skipped) return [hidden ? "Hidden tests: not run." : `Not run: ${o.skipped}`];
  const exec = o.exec!;
  const ok = exec.status === "ok" && o.attestation;
  if (hidden) {
    if (!ok) return [exec.status === "timeout" ? "Hidden tests: failed (time limit)." : "Hidden tests: failed."];
    const parts = o.attestation!.partials.reduce((acc, p) => ({ passed: acc.passed + p.passed, total: acc.total + p.total }), { passed: 0, total: 0 });
    return [parts.total > 0 && parts.passed < parts.total ? `Hidden tests: ${parts.passed} of ${parts.total} parts passed.` : "Hidden tests: passed."];
  }
  const lines: string[] = [];
  for (const out of exec.outputs) {
    if (out.output_type === "stream") lines.push(out.text.replace(/\n$/, ""));
    else if (out.output_type === "error") lines.push(`${out.ename}: ${out.evalue}`);
    else if ("data" in out && typeof out.data?.["text/plain"] === "string") lines.push(out.data["text/plain"] as string);
  }
  if (exec.status === "ok" && !o.attestation) lines.push("The test did not report completion to the grader (did the code end the test early?).");
  return lines.filter((l) => l !== "");
}

function errorLine(exec: CellExecution): string {
  const e = exec.error;
  const what = e ? `${e.ename}: ${firstLine(e.evalue)}` : exec.status;
  return exec.status === "error" ? what : `${exec.status} (${what})`;
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
  const parts: string[] = [];
  if (r.problems.length) parts.push(r.problems.slice(0, 2).join("; ") + (r.problems.length > 2 ? ` (+${r.problems.length - 2} more)` : ""));
  if (r.tampering.length) parts.push(`tampering: ${r.tampering.slice(0, 2).join("; ")}${r.tampering.length > 2 ? ` (+${r.tampering.length - 2} more)` : ""}`);
  if (r.notes.length) parts.push(r.notes.slice(0, 2).join("; ") + (r.notes.length > 2 ? ` (+${r.notes.length - 2} more)` : ""));
  return parts.join(" | ");
}

function firstLine(s: string): string {
  const line = s.split("\n")[0];
  return line.length > 200 ? line.slice(0, 197) + "..." : line;
}

function limitText(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 40) + `\n… (${s.length - max + 40} more characters)` : s;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
