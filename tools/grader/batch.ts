// Grading a batch: N submissions against one assignment, in parallel, each in
// its own sandboxed kernel, with results written as they finish (so an
// interrupted run resumes where it stopped) and one grades.csv at the end.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readNotebookFile, writeFileAtomic } from "../notebook";
import { checkAssignment } from "../assignment/generate";
import { maxScore, testCells } from "../assignment/metadata";
import { CompilerPool } from "./compiler";
import { studentIds } from "./ids";
import { computeExpectations } from "./expectations";
import { planTests } from "./instrument";
import { gradeSubmission, GradeContext, Job, unscoredResult } from "./pipeline";
import type { ForbiddenPolicy } from "./forbidden";
import { gradesCsv, readResults, RESULTS_FILE, writeSubmissionFiles } from "./report";
import { DEFAULT_LIMITS, Limits, SandboxRoot, verifySandbox } from "./sandbox";
import { Scrubber } from "./scrub";
import { stopOnSignals } from "./stop";
import type { SubmissionResult } from "./types";

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface GradeOptions {
  /** The instructor's notebook (solutions/X.ipynb). */
  assignment: string;
  /** Submission notebook files. */
  submissions: string[];
  outDir: string;
  /** Submissions graded at the same time (default: number of CPU cores). */
  jobs?: number;
  /** TypeScript converter processes (default: one per job, so a slow conversion never holds up another submission). */
  compilers?: number;
  /** A warm converter pool to use (and leave running) instead of starting one. */
  compiler?: CompilerPool;
  /** Grade again even when results.json says this exact submission was graded. */
  force?: boolean;
  shard?: Shard;
  limits?: Partial<Limits>;
  /** Overrides the assignment's policy for forbidden library functions. */
  forbidden?: ForbiddenPolicy;
  /** Progress reports, one per submission. */
  onResult?: (r: SubmissionResult, progress: { done: number; total: number; skipped: boolean }) => void;
  /** Exit the process cleanly on SIGINT/SIGTERM/SIGHUP (the CLI; see stop.ts). */
  stopOnSignals?: boolean;
  /** Called once the work list is known (after resuming and sharding). */
  onStart?: (info: { total: number; toGrade: number; skipped: number }) => void;
}

export interface BatchSummary {
  total: number;
  graded: number;
  skipped: number;
  failed: number;
  seconds: number;
  /** Submissions graded per second of wall time (skipped ones not counted). */
  perSecond: number;
  /** The CSV written (grades.csv, or grades.shard-i-of-n.csv for a shard). */
  csvFile: string;
  results: SubmissionResult[];
  compileCache: { hits: number; misses: number };
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--shard must look like i/n with 1 ≤ i ≤ n (e.g. 3/10), got "${text}"`);
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  if (shard.count < 1) throw new Error(`--shard ${text}: the number of shards n must be at least 1`);
  if (shard.index < 1) throw new Error(`--shard ${text}: shards are numbered from 1 (a Slurm array for n shards is --array=1-n)`);
  if (shard.index > shard.count) {
    throw new Error(
      `--shard ${text}: shard ${shard.index} does not exist when there are ${shard.count}; n must be the total number of shards ` +
        `(in a Slurm array use a fixed count, not SLURM_ARRAY_TASK_COUNT, which is 1 when a single task is rerun)`,
    );
  }
  return shard;
}

/** shard-03-of-12: index and count both spelled out, so one rerun shard never looks like a one-shard run. */
export const shardTag = (s: Shard) => `shard-${String(s.index).padStart(String(s.count).length, "0")}-of-${s.count}`;

export async function gradeBatch(opts: GradeOptions): Promise<BatchSummary> {
  const started = Date.now();
  const assignmentBytes = fs.readFileSync(opts.assignment);
  const assignment = readNotebookFile(opts.assignment);
  checkAssignment(assignment, opts.assignment);
  const assignmentSha256 = createHash("sha256").update(assignmentBytes).digest("hex");
  const title = path.basename(opts.assignment, ".ipynb");
  const testIds = testCells(assignment).map((t) => t.gradeId);

  // Every shard sees the same sorted list, so names and shard membership agree everywhere.
  const files = [...new Set(opts.submissions.map((f) => path.resolve(f)))].sort();
  const ids = studentIds(files);
  const mine = files
    .map((file, i) => ({ file, student: ids[i], i }))
    .filter(({ i }) => !opts.shard || i % opts.shard.count === opts.shard.index - 1);

  fs.mkdirSync(opts.outDir, { recursive: true });
  const results = new Map<string, SubmissionResult>();
  const todo: Job[] = [];
  for (const { file, student, i } of mine) {
    const previous = opts.force ? undefined : readResults(path.join(opts.outDir, student, RESULTS_FILE));
    if (previous && isCurrent(previous, file, assignmentSha256)) results.set(student, previous);
    else todo.push({ student, path: displayPath(file), index: i });
  }
  const skipped = mine.length - todo.length;
  opts.onStart?.({ total: mine.length, toGrade: todo.length, skipped });
  let done = 0;
  for (const r of results.values()) opts.onResult?.(r, { done: ++done, total: mine.length, skipped: true });

  const limits: Limits = { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) };
  const jobs = Math.max(1, opts.jobs ?? os.availableParallelism());
  let compileStats = { hits: 0, misses: 0 };
  if (todo.length > 0) {
    let gradedNow = 0;
    const guard = opts.stopOnSignals
      ? stopOnSignals((why) => `nnlab grade: ${why}; ${gradedNow} of ${todo.length} graded in this run are saved in ${opts.outDir}. Run the same command again to grade the rest.`)
      : undefined;
    const sandbox = SandboxRoot.create();
    try {
      verifySandbox(sandbox); // a Node that cannot confine a kernel grades nothing, rather than 0 for everyone
    } catch (e) {
      sandbox.dispose();
      guard?.release();
      throw e;
    }
    guard?.onStop(() => sandbox.dispose());
    const compiler = opts.compiler ?? (await CompilerPool.start({ cwd: sandbox.compileDir, workers: opts.compilers ?? jobs }));
    if (!opts.compiler) guard?.onStop(() => void compiler.close());
    const hits0 = compiler.hits;
    const misses0 = compiler.misses;
    const ctx: GradeContext = {
      assignment,
      assignmentSha256,
      maxScore: maxScore(assignment),
      compiler,
      sandbox,
      limits,
      scrub: Scrubber.forAssignment(assignment),
      tests: planTests(assignment),
      expectations: new Map(),
      forbiddenPolicy: opts.forbidden,
    };
    try {
      // The solution runs once, in a trusted kernel: every check's expected side, for every submission.
      let trustedFailure: string | undefined;
      try {
        ctx.expectations = await computeExpectations(assignment, ctx.tests, compiler, sandbox, limits);
      } catch (e) {
        trustedFailure = `grader error: the solution notebook could not be run to compute expected values: ${(e as Error)?.message ?? e}`;
      }
      await runPool(todo, jobs, async (job) => {
        let r: SubmissionResult;
        try {
          r = trustedFailure ? unscoredResult(ctx, job, trustedFailure) : await gradeSubmission(ctx, job);
        } catch (e) {
          // A grader bug must not take the batch down either.
          r = internalFailure(ctx, job, e);
        }
        writeSubmissionFiles(opts.outDir, r, title);
        gradedNow++;
        results.set(r.student, r);
        opts.onResult?.(r, { done: ++done, total: mine.length, skipped: false });
      });
    } finally {
      compileStats = { hits: compiler.hits - hits0, misses: compiler.misses - misses0 };
      if (!opts.compiler) await compiler.close();
      sandbox.dispose();
      guard?.release();
    }
  }

  const all = mine.map(({ student }) => results.get(student)!).filter(Boolean);
  const csvFile = path.join(opts.outDir, opts.shard ? `grades.${shardTag(opts.shard)}.csv` : "grades.csv");
  writeFileAtomic(csvFile, gradesCsv(all, testIds));
  if (opts.shard) {
    const manifest = { shard: opts.shard, assignment_sha256: assignmentSha256, tests: testIds, students: mine.map((m) => m.student) };
    writeFileAtomic(path.join(opts.outDir, `${shardTag(opts.shard)}.json`), JSON.stringify(manifest, null, 2) + "\n");
  }
  const seconds = (Date.now() - started) / 1000;
  return {
    total: mine.length,
    graded: todo.length,
    skipped,
    failed: all.filter((r) => r.status === "failed").length,
    seconds,
    perSecond: todo.length / Math.max(seconds, 1e-9),
    csvFile,
    results: all,
    compileCache: compileStats,
  };
}

/** Was this exact submission already graded against this exact assignment? */
function isCurrent(r: SubmissionResult, file: string, assignmentSha256: string): boolean {
  if (r.assignmentSha256 !== assignmentSha256) return false;
  let sha: string | null = null;
  try {
    sha = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  } catch {
    sha = null;
  }
  if (r.submissionSha256 !== sha) return false;
  // A failure of the grader itself (not of the submission) is worth another try.
  return !r.problems.some((p) => p.startsWith("grader error:"));
}

function internalFailure(ctx: GradeContext, job: Job, e: unknown): SubmissionResult {
  return unscoredResult(ctx, job, `grader error: ${(e as Error)?.message ?? String(e)}`);
}

/** Paths relative to the current folder read better in grades.csv. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** Runs `work` over `items` with at most `limit` at a time, in order of the list. */
export async function runPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
