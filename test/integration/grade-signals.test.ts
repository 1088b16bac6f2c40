// Stopping `nnlab grade` (issue 15): SIGTERM to the grader started as the
// docs say (node <course>/bin/nnlab.js), and SIGTERM to an `npm exec` that
// launched it (npm passes it to `sh -c`, which dies and used to leave the
// grader re-parented, finishing the shard alone). Either way no grading
// process may survive, no /tmp/nnlab-grade-* folder may be left, and a rerun
// resumes from what was finished.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { CORRECT, SOLUTION, submission, tmpdir, write } from "../helpers/assignment";
import { commandLine, descendants, exited, running, waitFor } from "../helpers/processes";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "nnlab.js");
/** Busy for a few seconds on its first call: the grader is surely mid-shard when stopped. */
const SLOW = {
  sum_squares:
    "let slowOnce = true;\nfunction sumSquares(xs: number[]): number {\n  if (slowOnce) {\n    slowOnce = false;\n    const end = Date.now() + 4000;\n    while (Date.now() < end) {}\n  }\n  return xs.reduce((s, x) => s + x * x, 0);\n}",
};

let dir: string;
let subs: string;

beforeAll(() => {
  dir = tmpdir("nnlab-signals-");
  subs = path.join(dir, "submitted");
  fs.mkdirSync(subs);
  write(subs, "a-correct", submission(CORRECT));
  write(subs, "b-slow", submission({ ...CORRECT, ...SLOW }));
  write(subs, "c-slow", submission({ ...CORRECT, ...SLOW }));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: () => string;
  tmp: string;
}

/** Starts a grading run with its own TMPDIR, so leftover temp folders are ours to see. */
function start(cmd: string, args: string[]): Run {
  const tmp = fs.mkdtempSync(path.join(dir, "tmp-"));
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: ["ignore", "pipe", "pipe"] });
  const stdout: string[] = [];
  let err = "";
  let partial = "";
  child.stdout!.on("data", (b: Buffer) => {
    const lines = (partial + b.toString("utf8")).split("\n");
    partial = lines.pop()!;
    stdout.push(...lines);
  });
  child.stderr!.on("data", (b: Buffer) => (err += b.toString("utf8")));
  return { child, stdout, stderr: () => err, tmp };
}

const gradeArgs = (out: string) => ["grade", "--assignment", SOLUTION, subs, "--out", out, "--jobs", "1", "--json"];
const events = (run: Run) => run.stdout.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
const graded = (run: Run) => events(run).filter((e) => e.event === "result" && e.skipped === false).map((e) => e.student);
const leftovers = (tmp: string) => fs.readdirSync(tmp).filter((n) => n.startsWith("nnlab-grade-"));

/** Waits until a-correct is graded and b-slow's kernel is busy, then returns the grader's process tree. */
async function midShard(run: Run, grader: () => number | undefined): Promise<number[]> {
  expect(await waitFor(() => graded(run).includes("a-correct"), 120_000)).toBe(true);
  // b-slow is being graded now: its kernel is a descendant running the busy loop.
  expect(await waitFor(() => descendants(grader()!).some((p) => / --(experimental-)?permission /.test(commandLine(p))), 60_000)).toBe(true);
  return [grader()!, ...descendants(grader()!)];
}

async function expectCleanStop(run: Run, tree: number[]): Promise<void> {
  // Everything that belonged to the run is gone (zombies awaiting their reaper excepted).
  const gone = await waitFor(() => tree.every((p) => !running(p)), 10_000);
  expect(tree.filter(running).map(commandLine)).toEqual([]);
  expect(gone).toBe(true);
  expect(leftovers(run.tmp)).toEqual([]);
  await waitFor(() => /stopped/.test(run.stderr()), 10_000);
  expect(run.stderr()).toMatch(/stopped .*; 1 of 3 graded in this run are saved in .*Run the same command again/);
}

async function expectResume(out: string): Promise<void> {
  const again = start(process.execPath, [BIN, ...gradeArgs(out)]);
  expect(await exited(again.child)).toEqual({ code: 0, signal: null });
  expect(events(again)[0]).toEqual({ event: "start", total: 3, skipped: 1 });
  expect(graded(again)).toEqual(["b-slow", "c-slow"]);
  const csv = fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n");
  expect(csv.slice(1).map((l) => l.split(",").slice(0, 4).join(","))).toEqual(["a-correct,9,9,graded", "b-slow,9,9,graded", "c-slow,9,9,graded"]);
  expect(leftovers(again.tmp)).toEqual([]);
}

describe.runIf(process.platform === "linux")("stopping nnlab grade", () => {
  it("SIGTERM to `node bin/nnlab.js grade` stops it at once with nothing left behind; a rerun resumes", async () => {
    const out = path.join(dir, "out-node");
    const run = start(process.execPath, [BIN, ...gradeArgs(out)]);
    const tree = await midShard(run, () => run.child.pid);
    run.child.kill("SIGTERM");
    expect(await exited(run.child)).toEqual({ code: 143, signal: null });
    await expectCleanStop(run, tree);
    expect(fs.existsSync(path.join(out, "a-correct", "results.json"))).toBe(true);
    expect(fs.existsSync(path.join(out, "b-slow"))).toBe(false);
    await expectResume(out);
  }, 300_000);

  it("SIGTERM to the `npm exec` that launched it stops the grader too (no re-parented grader finishes the shard)", async () => {
    const out = path.join(dir, "out-npm");
    const npm = spawnSync("npm", ["--version"], { encoding: "utf8" });
    expect(npm.status).toBe(0);
    const command = [process.execPath, BIN, ...gradeArgs(out)].map((a) => `'${a}'`).join(" ");
    const run = start("npm", ["exec", "--offline", "--yes", "-c", command]);
    // The grader is npm's grandchild (npm → sh -c → node).
    const grader = () => descendants(run.child.pid!).find((p) => commandLine(p).includes(`${BIN} grade`));
    const tree = await midShard(run, grader);
    const graderPid = grader()!;
    run.child.kill("SIGTERM"); // only npm
    await exited(run.child);
    await expectCleanStop(run, tree);
    expect(running(graderPid)).toBe(false);
    await expectResume(out);
  }, 300_000);
});
