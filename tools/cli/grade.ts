// nnlab grade --assignment solutions/X.ipynb SUBMISSIONS… --out DIR
import { DEFAULT_CELL_TIMEOUT_MS } from "../engine/limits";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command, Option } from "commander";
import { NotebookError } from "../notebook";
import { AssignmentError } from "../assignment/generate";
import { gradeBatch, parseShard, Shard } from "../grader/batch";
import { FORBIDDEN_POLICIES, ForbiddenPolicy } from "../grader/forbidden";
import { createProgress, formatDuration, ProgressMode } from "../grader/progress";
import { type Limits, SandboxUnavailableError } from "../grader/sandbox";
import { CliError } from "./errors";

/** Submission files: notebooks given directly, and every .ipynb under given folders (checkpoints skipped). */
export function collectSubmissions(inputs: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === ".ipynb_checkpoints" || e.name === "node_modules" || e.name.startsWith(".")) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ipynb")) files.push(p);
    }
  };
  for (const input of inputs) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(input);
    } catch {
      stat = undefined;
    }
    // A missing file still becomes a row ("cannot read the submission"), so it is not lost silently.
    if (stat?.isDirectory()) walk(input);
    else files.push(input);
  }
  return files;
}

const positive = (name: string, v: string | undefined, scale: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, got "${v}"`);
  return n * scale;
};

interface GradeFlags {
  assignment: string;
  out: string;
  jobs?: string;
  compilers?: string;
  force?: boolean;
  shard?: string;
  json?: boolean;
  quiet?: boolean;
  progress?: boolean;
  cellTimeout?: string;
  timeout?: string;
  memory?: string;
  maxOutput?: string;
  maxCells?: string;
  forbidden?: ForbiddenPolicy;
}

export function register(program: Command): void {
  program
    .command("grade")
    .description("grade submissions against an assignment, each in its own sandboxed kernel, in parallel")
    .argument("<submissions...>", "submitted notebooks, or folders to search for *.ipynb")
    .requiredOption("--assignment <notebook>", "the instructor's notebook (solutions/X.ipynb) with the tests and hidden tests")
    .requiredOption("--out <dir>", "output folder: DIR/<student>/results.json, feedback.md, feedback.html and DIR/grades.csv")
    .option("-j, --jobs <n>", `submissions graded at the same time (default: ${os.availableParallelism()}, the number of cores)`)
    .option("--compilers <n>", "TypeScript converter processes shared by all jobs (default: one per job, so one submission's slow cell never makes another wait)")
    .option("--force", "grade again submissions that already have results in DIR")
    .option("--shard <i/n>", "grade only the i-th of n equal shares (for clusters; combine with nnlab merge)")
    .option("--json", "machine-readable progress: one JSON object per line on stdout")
    .option("--no-progress", "no progress bar, one line per submission")
    .option("--quiet", "print only the final summary")
    .option("--cell-timeout <seconds>", `time limit per cell (default ${DEFAULT_CELL_TIMEOUT_MS / 1000})`)
    .option("--timeout <seconds>", "time limit per notebook (default 600)")
    .option("--memory <MB>", "memory limit per kernel (default 1536)")
    .option("--max-output <MB>", "output limit per notebook (default 8)")
    .option("--max-cells <n>", "largest number of code cells graded (default 2000)")
    .addOption(new Option("--forbidden <policy>", "answers that use a library function the assignment forbids (metadata.nnlab.forbidden): flag = report it, zero = also no points for the tests of that answer (default: the assignment's forbiddenPolicy, else flag)").choices(FORBIDDEN_POLICIES))
    .addHelpText(
      "after",
      `
Each submission runs in a child process with Node's permission model (it can
read only its own folder and the installed packages: no writing, no child
processes, no workers, no network). Tests are scored in this process; hidden
tests run but never appear in feedback. Results are written as each
submission finishes, so an interrupted run continues where it stopped.
On SIGINT, SIGTERM or SIGHUP (Ctrl-C, scancel) it stops at once, kills its
kernels, removes its temporary folder and exits with 128 + the signal number.

Shards: --shard i/n with a fixed n (in a Slurm array, the number of shards,
not SLURM_ARRAY_TASK_COUNT, which is 1 when a single task is rerun) writes
grades.shard-I-of-N.csv and a manifest shard-I-of-N.json (I zero-padded) by the
student folders; nnlab merge checks that all n are there.

Examples:
  nnlab grade --assignment solutions/squares.ipynb submitted/ --out graded/
  nnlab grade --assignment solutions/squares.ipynb submitted/ --out graded/ --shard 3/10
  nnlab merge graded/`,
    )
    .action(async (submissions: string[], flags: GradeFlags) => {
      let limits: Partial<Limits>;
      let shard: Shard | undefined;
      let jobs: number | undefined;
      let compilers: number | undefined;
      try {
        limits = {
          cellTimeoutMs: positive("--cell-timeout", flags.cellTimeout, 1000),
          notebookTimeoutMs: positive("--timeout", flags.timeout, 1000),
          maxRssMb: positive("--memory", flags.memory, 1),
          maxOutputBytes: positive("--max-output", flags.maxOutput, 1024 * 1024),
          maxCells: positive("--max-cells", flags.maxCells, 1),
        };
        for (const k of Object.keys(limits) as (keyof Limits)[]) if (limits[k] === undefined) delete limits[k];
        // The heap limit equals the memory limit: whichever trips first stops the kernel quickly.
        if (limits.maxRssMb) limits.maxOldSpaceMb = Math.max(64, Math.floor(limits.maxRssMb));
        jobs = positive("--jobs", flags.jobs, 1);
        compilers = positive("--compilers", flags.compilers, 1);
        shard = flags.shard ? parseShard(flags.shard) : undefined;
        if (!fs.existsSync(flags.assignment)) throw new Error(`--assignment ${flags.assignment}: no such file`);
      } catch (e) {
        throw new CliError(`grade: ${(e as Error).message}`);
      }
      const files = collectSubmissions(submissions);
      if (files.length === 0) throw new CliError("grade: no submissions found");
      const mode: ProgressMode = flags.json ? "json" : flags.quiet ? "quiet" : flags.progress !== false && process.stderr.isTTY ? "bar" : "lines";
      const progress = createProgress(mode);
      try {
        const summary = await gradeBatch({
          assignment: flags.assignment,
          submissions: files,
          outDir: flags.out,
          jobs: jobs && Math.floor(jobs),
          compilers: compilers && Math.floor(compilers),
          force: flags.force,
          shard,
          limits,
          forbidden: flags.forbidden,
          stopOnSignals: true,
          onStart: ({ total, skipped }) => progress.start(total, skipped),
          onResult: (r, p) => progress.result(r, p.done, p.total, p.skipped),
        });
        progress.stop();
        const line = `graded ${summary.graded} submission(s) in ${formatDuration(summary.seconds)} (${summary.perSecond.toFixed(2)}/s)` +
          (summary.skipped ? `, ${summary.skipped} already graded` : "") +
          (summary.failed ? `, ${summary.failed} could not be graded (see the reason column)` : "") +
          `; ${summary.csvFile}`;
        if (mode === "json") {
          process.stdout.write(JSON.stringify({ event: "summary", total: summary.total, graded: summary.graded, skipped: summary.skipped, failed: summary.failed, seconds: summary.seconds, per_second: summary.perSecond, csv: summary.csvFile }) + "\n");
        } else console.error(line);
      } catch (e) {
        progress.stop();
        if (e instanceof AssignmentError || e instanceof NotebookError) throw new CliError(`grade: the assignment cannot be used: ${e.message}`, 1);
        if (e instanceof SandboxUnavailableError) throw new CliError(`grade: nothing graded: ${e.message}`, 1);
        throw e;
      }
    });
}
