// The Slurm recipe of docs/grading-at-scale.md on a real one-node Slurm
// (Debian's slurmctld/slurmd/munge, started here, stopped at the end):
// submit docs/slurm/grade-array.sh itself as a 3-task array over correct,
// empty, broken, wrong and slow submissions with an `afterany` merge job;
// cancel one task mid-way (the grader must stop, leave nothing running and
// no temp folder; the merge must refuse to write grades.csv); rerun that
// shard the documented way (`sbatch --array=2`) and merge again; the result
// is byte-identical to an unsharded run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { CORRECT, SOLUTION, submission, tmpdir, write } from "../helpers/assignment";
import { commandLine, waitFor } from "../helpers/processes";
import { ensureSlurm, SlurmCluster } from "../helpers/slurm";

const ROOT = path.join(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "docs", "slurm", "grade-array.sh");
const DOC = path.join(ROOT, "docs", "grading-at-scale.md");
/** Busy for a while on its first call, so its shard is surely mid-way when cancelled. */
const SLOW =
  "let slowOnce = true;\nfunction sumSquares(xs: number[]): number {\n  if (slowOnce) {\n    slowOnce = false;\n    const end = Date.now() + 8000;\n    while (Date.now() < end) {}\n  }\n  return xs.reduce((s, x) => s + x * x, 0);\n}";

let cluster: SlurmCluster | undefined;
let work: string;
let subs: string;
let out: string;
let logs: string;
let tmp: string;
let jobEnv: Record<string, string>;

/** sbatch, from the logs folder (where the docs say to submit), as the docs write it. */
function sbatch(args: string[]): string {
  const r = cluster!.run("sbatch", ["--parsable", ...args], { cwd: logs, env: jobEnv });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout.trim().split(";")[0];
}
const submitArray = (array: string) => sbatch([`--array=${array}`, "--cpus-per-task=1", "--mem=2560M", SCRIPT]);
const submitMerge = (jid: string) => sbatch([`--dependency=afterany:${jid}`, "--output=nnlab-merge-%j.log", "--wrap", `node ${ROOT}/bin/nnlab.js merge ${out}`]);
const log = (name: string) => (fs.existsSync(path.join(logs, name)) ? fs.readFileSync(path.join(logs, name), "utf8") : "");
/** Processes that belong to this test's grading runs (grader, converters, kernels), by their paths. */
const gradingProcesses = () =>
  fs
    .readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .map((n) => commandLine(Number(n)))
    .filter((cmd) => cmd.includes(tmp) || cmd.includes(`--out ${out}`));

beforeAll(async () => {
  ensureSlurm();
  work = tmpdir("nnlab-slurm-work-");
  fs.chmodSync(work, 0o755);
  subs = path.join(work, "submitted");
  out = path.join(work, "graded");
  logs = path.join(work, "logs");
  tmp = path.join(work, "tmp");
  for (const d of [subs, logs, tmp]) fs.mkdirSync(d);
  // Sorted: a b c d e f → shard 1: a, d; shard 2: b, e; shard 3: c, f.
  write(subs, "a-correct", submission(CORRECT));
  write(subs, "b-empty", submission({}));
  write(subs, "c-broken", '{"cells": [');
  write(subs, "d-wrong", submission({ ...CORRECT, mean_squares: "function meanSquares(xs: number[]): number {\n  return 0;\n}" }));
  write(subs, "e-slow", submission({ ...CORRECT, sum_squares: SLOW }));
  write(subs, "f-correct", submission(CORRECT));
  jobEnv = { COURSE: ROOT, ASSIGNMENT: SOLUTION, SUBMITTED: subs, OUT: out, SHARDS: "3", TMPDIR: tmp };
  cluster = await SlurmCluster.start();
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
}, 120_000);

describe.runIf(process.platform === "linux")("grading as a Slurm job array (docs/slurm/grade-array.sh)", () => {
  it("the docs show the script that is submitted, unchanged", () => {
    expect(fs.readFileSync(DOC, "utf8")).toContain(fs.readFileSync(SCRIPT, "utf8"));
  });

  it("a task cancelled mid-way stops its grader at once; the afterany merge then writes no grades.csv", async () => {
    const jid = submitArray("1-3");
    const merge = submitMerge(jid);
    // Shard 2 has graded b-empty and is inside e-slow's busy test when it is cancelled.
    expect(await waitFor(() => /\[1\/2\] b-empty: 0\/9/.test(log(`nnlab-grade-${jid}_2.log`)), 300_000)).toBe(true);
    expect(cluster!.run("scancel", [`${jid}_2`]).status).toBe(0);
    expect(await cluster!.drained(600_000)).toBe(true);

    expect(["1", "2", "3"].map((t) => cluster!.jobField(`${jid}_${t}`, "JobState"))).toEqual(["COMPLETED", "CANCELLED", "COMPLETED"]);
    expect(log(`nnlab-grade-${jid}_2.log`)).toMatch(/nnlab grade: stopped by SIGTERM; 1 of 2 graded in this run are saved/);
    expect(gradingProcesses()).toEqual([]);
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(fs.existsSync(path.join(out, "b-empty", "results.json"))).toBe(true);
    expect(fs.existsSync(path.join(out, "e-slow"))).toBe(false);

    expect(cluster!.jobField(merge, "JobState")).toBe("FAILED");
    expect(cluster!.jobField(merge, "ExitCode")).toBe("1:0");
    expect(log(`nnlab-merge-${merge}.log`)).toMatch(/incomplete.*no grades\.csv written[\s\S]*shard 2\/3 \(no shard-2-of-3\.json\)/);
    expect(fs.existsSync(path.join(out, "grades.csv"))).toBe(false);
    expect(fs.existsSync(path.join(out, "grades.incomplete.csv"))).toBe(true);
  }, 900_000);

  it("rerunning just that shard (sbatch --array=2) resumes it; the merge equals an unsharded run byte for byte", async () => {
    const jid = submitArray("2");
    const merge = submitMerge(jid);
    expect(await cluster!.drained(600_000)).toBe(true);
    expect(cluster!.jobField(`${jid}_2`, "JobState")).toBe("COMPLETED");
    expect(log(`nnlab-grade-${jid}_2.log`)).toMatch(/grading 1 submission\(s\), 1 already graded[\s\S]*\[2\/2\] e-slow: 9\/9/);
    expect(cluster!.jobField(merge, "JobState")).toBe("COMPLETED");
    expect(log(`nnlab-merge-${merge}.log`)).toMatch(/merged 6 student\(s\)/);
    expect(fs.existsSync(path.join(out, "grades.incomplete.csv"))).toBe(false);
    expect(fs.readdirSync(out).filter((f) => f.endsWith(".json")).sort()).toEqual(["shard-1-of-3.json", "shard-2-of-3.json", "shard-3-of-3.json"]);

    // The same grading without Slurm or shards, from the same folder as the script's `cd "$COURSE"`.
    const whole = path.join(work, "unsharded");
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "nnlab.js"), "grade", "--assignment", SOLUTION, subs, "--out", whole, "--jobs", "2"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, TMPDIR: tmp },
    });
    expect(r.status).toBe(0);
    const merged = fs.readFileSync(path.join(out, "grades.csv"), "utf8");
    expect(merged).toBe(fs.readFileSync(path.join(whole, "grades.csv"), "utf8"));
    expect(merged.trim().split("\n").map((l) => l.split(",").slice(0, 4).join(","))).toEqual([
      "student,score,max_score,status",
      "a-correct,9,9,graded",
      "b-empty,0,9,graded",
      "c-broken,0,9,failed",
      "d-wrong,5,9,graded",
      "e-slow,9,9,graded",
      "f-correct,9,9,graded",
    ]);
  }, 900_000);
});
