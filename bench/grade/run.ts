// The grading benchmark (`npm run bench:grade`): the same N synthetic
// submissions of one exercise (correct, partial, broken, timing out)
//   A. graded by `nnlab grade` (parallel sandboxed kernels, shared warm compiler), and
//   B. executed one after another through the real tslab kernel with nbclient,
//      a fresh kernel per notebook — what nbgrader's autograde does before it
//      can score anything (bench/grade/nbclient_batch.py),
// in the same run, on the same files, with the same per-cell timeout.
// Prints submissions/second for both and the ratio (target ≥ 10).
//
//   npm run bench:grade                       200 submissions, 5 s cell timeout
//   npm run bench:grade -- --n 40 --json      fewer, and write bench/grade/results.json
//
// Each submission's answer text is different (as every student's is), so the
// grader's conversion cache only helps with the cells students share.
import { Command } from "commander";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as assignment from "../../tools/assignment";
import * as notebook from "../../tools/notebook";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const SOLUTION = path.join(ROOT, "test", "fixtures", "assignment", "solutions", "squares.ipynb");

type Kind = "correct" | "partial" | "broken" | "timeout";

/** Out of every 20 submissions: 12 correct, 4 partial, 3 broken, 1 timing out. */
function kindOf(i: number): Kind {
  const k = i % 20;
  return k < 12 ? "correct" : k < 16 ? "partial" : k < 19 ? "broken" : "timeout";
}

function answers(kind: Kind, i: number): Record<string, string> {
  const v = `s${i}`; // a name of its own: no two submissions have the same text
  const sum = `function sumSquares(xs: number[]): number {\n  // student ${i}\n  let ${v} = 0;\n  for (const x of xs) ${v} += x * x;\n  return ${v};\n}`;
  const mean = `function meanSquares(xs: number[]): number {\n  if (xs.length === 0) throw new RangeError("empty (${i})");\n  return sumSquares(xs) / xs.length;\n}`;
  switch (kind) {
    case "correct":
      return { sum_squares: sum, mean_squares: mean };
    case "partial":
      return { sum_squares: sum, mean_squares: `function meanSquares(xs: number[]): number {\n  return xs.length ? sumSquares(xs) / xs.length : ${i % 3};\n}` };
    case "broken":
      return { sum_squares: `function sumSquares(xs: number[]): number {\n  return xs.map((x) => x * x).sum${i};\n}`, mean_squares: mean };
    case "timeout":
      return { sum_squares: sum, mean_squares: `function meanSquares(xs: number[]): number {\n  let n = ${i};\n  while (n >= 0) n++;\n  return n;\n}` };
  }
}

function makeSubmissions(dir: string, n: number): string[] {
  const student = assignment.generateStudentVersion(notebook.readNotebookFile(SOLUTION));
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const nb = notebook.cloneJson(student);
    const a = answers(kindOf(i), i);
    for (const cell of nb.cells) {
      const id = assignment.gradeId(cell);
      if (id && a[id] !== undefined) cell.source = a[id];
    }
    const file = path.join(dir, `student${String(i).padStart(4, "0")}.ipynb`);
    notebook.writeNotebookFile(file, nb);
    files.push(file);
  }
  return files;
}

interface Timing {
  seconds: number;
  /** CPU seconds (user + system) of the command and every process it started. */
  cpu: number;
  code: number | null;
}

/**
 * Wall time and CPU time of a command. It runs under bash, whose `times`
 * builtin reports the CPU of all finished child processes (kernels and
 * compilers included): on a shared machine CPU time is the fairer measure.
 */
function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, quiet: boolean, cpuFile: string): Promise<Timing> {
  const started = process.hrtime.bigint();
  const script = `"$@"; code=$?; times > ${JSON.stringify(cpuFile)}; exit $code`;
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script, "bash", cmd, ...args], { env, stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"] });
    child.on("exit", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // `times` prints two lines: the shell's own user/system time, then its children's ("1m2.500s 0m0.300s").
      const lines = fs.existsSync(cpuFile) ? fs.readFileSync(cpuFile, "utf8").trim().split("\n") : [];
      const cpu = (lines[1] ?? "").split(/\s+/).reduce((sum, t) => {
        const m = /^(\d+)m([\d.]+)s$/.exec(t);
        return m ? sum + Number(m[1]) * 60 + Number(m[2]) : sum;
      }, 0);
      resolve({ seconds, cpu, code });
    });
  });
}

async function main(): Promise<void> {
  const program = new Command()
    .option("--n <count>", "number of submissions", "200")
    .option("--cell-timeout <seconds>", "per-cell timeout, the same for both", "5")
    .option("--jobs <n>", "nnlab grade --jobs (default: number of cores)")
    .option("--skip-nbclient", "only time nnlab grade")
    .option("--json", "also write bench/grade/results.json")
    .parse(process.argv);
  const opts = program.opts<{ n: string; cellTimeout: string; jobs?: string; skipNbclient?: boolean; json?: boolean }>();
  const n = Number(opts.n);
  const cellTimeout = Number(opts.cellTimeout);

  // Submissions sit next to a node_modules link, like a course folder, so both kernels find nnlab.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-bench-grade-"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(work, "node_modules"), "dir");
  const subs = path.join(work, "submissions");
  fs.mkdirSync(subs);
  const files = makeSubmissions(subs, n);
  const mix = files.reduce<Record<string, number>>((m, _f, i) => ((m[kindOf(i)] = (m[kindOf(i)] ?? 0) + 1), m), {});
  console.log(`${n} submissions of ${path.relative(ROOT, SOLUTION)}: ${Object.entries(mix).map(([k, v]) => `${v} ${k}`).join(", ")}; cell timeout ${cellTimeout} s; ${os.availableParallelism()} cores; load ${os.loadavg()[0].toFixed(1)}`);

  // A. nnlab grade, as a user runs it.
  const out = path.join(work, "graded");
  const gradeArgs = [path.join(ROOT, "bin", "nnlab.js"), "grade", "--assignment", SOLUTION, subs, "--out", out, "--quiet", "--cell-timeout", String(cellTimeout)];
  if (opts.jobs) gradeArgs.push("--jobs", opts.jobs);
  const ours = await timeCommand(process.execPath, gradeArgs, process.env, false, path.join(work, "cpu-nnlab.txt"));
  const rows = fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n").slice(1);
  const scores = new Map(rows.map((r) => [r.split(",")[0], Number(r.split(",")[1])]));
  const correctFull = files.filter((_f, i) => kindOf(i) === "correct").every((f) => scores.get(path.basename(f, ".ipynb")) === 9);
  console.log(`nnlab grade:  ${ours.seconds.toFixed(1)} s, ${(n / ours.seconds).toFixed(2)} submissions/s, ${ours.cpu.toFixed(1)} CPU s (exit ${ours.code}; every correct submission 9/9: ${correctFull ? "yes" : "NO"})`);

  let theirs: Timing | undefined;
  if (!opts.skipNbclient) {
    // B. nbclient through the real tslab kernel, one notebook after another.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ensurePythonEnv } = require(path.join(ROOT, "scripts", "python-env.js")) as { ensurePythonEnv(): Promise<{ python: string; env: NodeJS.ProcessEnv }> };
    const { python, env } = await ensurePythonEnv();
    const report = path.join(work, "nbclient.json");
    theirs = await timeCommand(python, [path.join(ROOT, "bench", "grade", "nbclient_batch.py"), "--timeout", String(cellTimeout), "--report", report, ...files], env, true, path.join(work, "cpu-nbclient.txt"));
    console.log(`nbclient:     ${theirs.seconds.toFixed(1)} s, ${(n / theirs.seconds).toFixed(2)} submissions/s, ${theirs.cpu.toFixed(1)} CPU s (exit ${theirs.code})`);
    console.log(`ratio:        ${(theirs.seconds / ours.seconds).toFixed(1)}× in submissions/s (target ≥ 10); ${(theirs.cpu / Math.max(ours.cpu, 1e-9)).toFixed(1)}× in CPU per submission`);
  }

  if (opts.json) {
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cores: os.availableParallelism(),
      load: os.loadavg()[0],
      submissions: n,
      mix,
      cell_timeout_s: cellTimeout,
      nnlab_grade: { seconds: ours.seconds, cpu_seconds: ours.cpu, per_second: n / ours.seconds },
      nbclient: theirs && { seconds: theirs.seconds, cpu_seconds: theirs.cpu, per_second: n / theirs.seconds },
      ratio: theirs && theirs.seconds / ours.seconds,
    };
    fs.writeFileSync(path.join(ROOT, "bench", "grade", "results.json"), JSON.stringify(result, null, 2) + "\n");
    console.log(JSON.stringify(result));
  }
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
