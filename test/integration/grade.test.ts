// nnlab grade: restoring instructor cells, scoring in the parent, the
// attacks a submission might try, outputs (grades.csv, results.json,
// feedback), resuming, shards and merge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readNotebookFile, Notebook } from "../../tools/notebook";
import { gradeId } from "../../tools/assignment";
import { BatchSummary, CompilerPool, gradeBatch, mergeResults, restoreSubmission, SandboxRoot, studentIds, SubmissionResult } from "../../tools/grader";
import { createProgress } from "../../tools/grader/progress";
import { CORRECT, HIDDEN_MARKER, SOLUTION, allText, codeCell, insertAfter, submission, tmpdir, write } from "../helpers/assignment";

const WRONG = {
  sum_squares: "function sumSquares(xs: number[]): number {\n  return 0;\n}",
  mean_squares: "function meanSquares(xs: number[]): number {\n  return 1;\n}",
};

/** Attack code placed in a cell of its own, after the (wrong) answers. */
const ATTACKS: Record<string, string> = {
  "replaces-check": [
    "const fake = { equal() {}, close() {}, ok() {}, throws() {}, partial() { return 1; } };",
    "const check = fake;",
    "(globalThis as any).check = fake;",
    "try { (globalThis as any).nnlabGrader = { check: fake, begin() {}, end() {} }; } catch {}",
    'try { Object.defineProperty(globalThis, "nnlabGrader", { value: { check: fake } }); } catch {}',
    'try { Object.assign(require("nnlab").check, fake); } catch {}',
  ].join("\n"),
  "replaces-globals": [
    "const G = globalThis as any;",
    "G.Object.is = () => true;",
    "G.Object.keys = () => [];",
    'G.JSON.stringify = () => "{}";',
    "G.Math.abs = () => 0;",
    "G.Math.max = () => Infinity;",
    "G.Number.isNaN = () => true;",
    "G.Array.isArray = () => false;",
    "G.Array.prototype.every = () => true;",
    "G.Array.prototype.some = () => false;",
    "G.Reflect.apply = () => undefined;",
    "G.Map = Object; G.Set = Object; G.RegExp = Object;",
  ].join("\n"),
  "replaces-console": [
    'console.log = () => process.stdout.write("✓ all tests passed\\n");',
    "console.error = () => {};",
    "console.warn = () => {};",
  ].join("\n"),
  "replaces-process": [
    "process.exit = (() => {}) as any;",
    "(process as any).reallyExit = () => {};",
    "(process as any).send = () => true;",
    "// Forge the kernel's private result line and the grader's report.",
    'try { require("fs").writeSync(4, JSON.stringify({ k: "guess", s: 99, t: "done", id: 9, ok: true, count: 9, interrupted: false, error: null }) + "\\n"); } catch {}',
  ].join("\n"),
  "calls-the-markers": [
    "const g = (globalThis as any).nnlabGrader;",
    "for (let run = 0; run < 6; run++) { g.begin(run, 'x'); g.end(run, 'x'); g.begin(run, ''); g.end(run, undefined); }",
  ].join("\n"),
  "prints-results": [
    "const fakeReport = { nnlabGrader: 1, payload: JSON.stringify({ run: 0, fraction: 1, partials: [] }), mac: \"0\".repeat(64) };",
    "console.log(JSON.stringify(fakeReport));",
    'console.log("Tests passed: 9/9. Score: 9");',
    'console.log(JSON.stringify({ score: 9, tests: [{ name: "test_sum_squares", score: 2, max_score: 2, status: "passed" }] }));',
  ].join("\n"),
};

let dir: string;
let out: string;
let sandbox: SandboxRoot;
let compiler: CompilerPool;
let summary: BatchSummary;
const files: Record<string, string> = {};
const result = (name: string): SubmissionResult => {
  const r = summary.results.find((x) => x.student === name);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
};
const testScore = (name: string, id: string) => result(name).tests.find((t) => t.gradeId === id)!.score;

beforeAll(async () => {
  dir = tmpdir("nnlab-grade-");
  out = path.join(dir, "out");
  const subs = path.join(dir, "subs");
  fs.mkdirSync(subs);
  const add = (name: string, nb: Notebook) => (files[name] = write(subs, name, nb));

  add("alice", submission(CORRECT));
  add("bob", submission({ ...CORRECT, mean_squares: "function meanSquares(xs: number[]): number {\n  return xs.length ? sumSquares(xs) / xs.length : 0;\n}" }));
  add(
    "carol",
    submission({ ...CORRECT, sum_squares: "function sumSquares(xs: number[]): number {\n  // wrong for negative integers, which only the hidden tests use\n  return xs.reduce((s, x) => s + (Number.isInteger(x) && x < 0 ? -x * x : x * x), 0);\n}" }),
  );
  add("dave", submission());
  const edited = submission(WRONG);
  for (const c of edited.cells) if (gradeId(c)?.startsWith("test_")) c.source = "check.ok(true);";
  add("tamper-edit", edited);
  const deleted = submission(CORRECT);
  deleted.cells = deleted.cells.filter((c) => !gradeId(c)?.startsWith("test_"));
  add("tamper-delete", deleted);
  for (const [name, code] of Object.entries(ATTACKS)) add(`attack-${name}`, insertAfter(submission(WRONG), "mean_squares", codeCell(code)));
  // As if it had obtained the hidden tests somehow: it prints one of their lines.
  add("prints-hidden", submission({ ...CORRECT, sum_squares: CORRECT.sum_squares.replace("let s = 0;", `console.log(${JSON.stringify(`check.equal(sumSquares([10, -10, 3]), 209, "${HIDDEN_MARKER} large values");`)}); let s = 0;`) }));
  add("console-but-correct", insertAfter(submission(CORRECT), "mean_squares", codeCell(ATTACKS["replaces-console"])));
  add(
    "leak",
    submission({
      sum_squares: [
        "// Listen for the kernel's commands.",
        "const seen: unknown[] = [];",
        "process.on(\"message\", (m: unknown) => { seen.push(m); });",
        "function sumSquares(xs: number[]): number {",
        "  console.log(`SEEN: ${seen.length}`);",
        "  let found = \"none\";",
        "  try { const c = (sumSquares as any).caller; if (typeof c === \"function\") found = String(c); } catch {}",
        "  const prev = (Error as any).prepareStackTrace;",
        "  try {",
        "    (Error as any).prepareStackTrace = (_: unknown, frames: any[]) => frames;",
        "    const frames = (new Error() as any).stack as any[];",
        "    for (const f of frames) { const fn = f.getFunction?.(); if (fn && fn !== sumSquares) found = String(fn); }",
        "  } finally { (Error as any).prepareStackTrace = prev; }",
        "  console.log(\"LEAK: \" + (found === \"none\" ? \"none\" : found));",
        "  return 0;",
        "}",
      ].join("\n"),
      mean_squares: WRONG.mean_squares,
    }),
  );

  sandbox = SandboxRoot.create();
  compiler = await CompilerPool.start({ cwd: sandbox.compileDir });
  summary = await gradeBatch({ assignment: SOLUTION, submissions: Object.values(files), outDir: out, jobs: 2, compiler, limits: { cellTimeoutMs: 10_000 } });
}, 600_000);

afterAll(async () => {
  await compiler?.close();
  sandbox?.dispose();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("scores", () => {
  it("a correct submission earns every point", () => {
    expect(result("alice")).toMatchObject({ status: "graded", score: 9, maxScore: 9, reason: "3 of 3 tests passed" });
    expect(result("alice").tests.every((t) => t.status === "passed")).toBe(true);
  });

  it("partial credit: points × the fraction of check.partial parts passed", () => {
    expect(testScore("bob", "test_mean_squares")).toBeCloseTo((4 * 2) / 3, 4);
    expect(result("bob").score).toBeCloseTo(5 + (4 * 2) / 3, 4);
    expect(result("bob").tests.find((t) => t.gradeId === "test_mean_squares")!.output).toMatch(/✗ an empty list is a RangeError/);
  });

  it("hidden tests count, and their failure is reported without their source", () => {
    expect(testScore("carol", "test_sum_squares")).toBe(2);
    expect(testScore("carol", "test_sum_squares_more")).toBe(0);
    const t = result("carol").tests.find((x) => x.gradeId === "test_sum_squares_more")!;
    expect(t.output).toBe("Hidden tests: failed.");
    expect(t.hidden).toBe(true);
  });

  it("the untouched student version earns nothing", () => {
    expect(result("dave").score).toBe(0);
    expect(result("dave").tests[0].output).toMatch(/not implemented/);
  });
});

describe("instructor cells are restored", () => {
  it("edited test cells change nothing and are reported", () => {
    const r = result("tamper-edit");
    expect(r.score).toBe(0);
    expect(r.tampering).toEqual([
      'test cell "test_sum_squares" was edited (restored)',
      'test cell "test_sum_squares_more" was edited (restored)',
      'test cell "test_mean_squares" was edited (restored)',
    ]);
    expect(r.reason).toMatch(/^0 of 3 tests passed \| tampering: test cell "test_sum_squares" was edited/);
  });

  it("deleted test cells are put back (and still run)", () => {
    const r = result("tamper-delete");
    expect(r.score).toBe(9);
    expect(r.tampering).toContain('test cell "test_mean_squares" was deleted (restored)');
  });

  it("restoreSubmission handles re-typed, duplicated and renamed cells", () => {
    const assignment = readNotebookFile(SOLUTION);
    const nb = submission(CORRECT);
    const test = nb.cells.find((c) => gradeId(c) === "test_sum_squares")!;
    nb.cells.push(JSON.parse(JSON.stringify(test)));
    (test as { cell_type: string }).cell_type = "markdown";
    const answer = nb.cells.find((c) => gradeId(c) === "mean_squares")!;
    (answer.metadata.nbgrader as Record<string, unknown>).grade_id = "mean_squares_v2";
    const restored = restoreSubmission(assignment, nb);
    expect(restored.tampering).toEqual([
      'test cell "test_sum_squares" appears more than once; the copy in cell 10 was removed',
      'test cell "test_sum_squares" was changed to a markdown cell (restored)',
    ]);
    expect(restored.notes.join("\n")).toMatch(/unknown grade_id "mean_squares_v2"/);
    expect(restored.notes.join("\n")).toMatch(/answer cell "mean_squares" is missing; an answer cell with another grade_id was found/);
    // The instructor's test cell (with its hidden tests) is what will run.
    const graded = restored.notebook.cells.filter((c) => gradeId(c) === "test_sum_squares_more");
    expect(graded).toHaveLength(1);
    expect(graded[0].source).toContain(HIDDEN_MARKER);
    expect(restored.notebook.cells.some((c) => c.source === answer.source)).toBe(true);
  });
});

describe("a submission cannot gain points it did not earn", () => {
  it.each(Object.keys(ATTACKS))("when it %s", (name) => {
    const r = result(`attack-${name}`);
    expect(r.status).toBe("graded");
    expect(r.score).toBe(0);
    // The attack itself ran (a type error would make this test pointless).
    if (name !== "replaces-process") expect(r.problems).toEqual([]);
  });

  it("replacing console does not cost a correct submission anything", () => {
    expect(result("console-but-correct").score).toBe(9);
  });

  it("the answers cannot reach the test code that calls them (strict mode), nor hear the kernel's commands", () => {
    const out = result("leak").tests.find((t) => t.gradeId === "test_sum_squares")!.output;
    expect(out).toMatch(/LEAK: none/);
    // Commands travel on a pipe, not on an IPC channel a cell could listen to. (What a cell could
    // intercept another way is the student's version of a test: no expected value — test/attacks.)
    expect(out).toMatch(/SEEN: 0/);
    expect(result("leak").score).toBe(0);
  });

  it("forging the kernel's result channel kills that kernel instead of scoring", () => {
    expect(result("attack-replaces-process").problems.join("\n")).toMatch(/private result channel/);
  });
});

describe("outputs", () => {
  it("grades.csv has a row per submission with score, max score and reason", () => {
    const rows = fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n");
    expect(rows[0]).toBe("student,score,max_score,status,reason,submission,test_sum_squares,test_sum_squares_more,test_mean_squares");
    expect(rows).toHaveLength(Object.keys(files).length + 1);
    expect(rows.find((r) => r.startsWith("alice,"))).toMatch(/^alice,9,9,graded,3 of 3 tests passed,/);
    expect(rows.find((r) => r.startsWith("carol,"))).toMatch(/^carol,6,9,graded,2 of 3 tests passed,.*,2,0,4$/);
  });

  it("results.json follows Gradescope's format", () => {
    const json = JSON.parse(fs.readFileSync(path.join(out, "bob", "results.json"), "utf8"));
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["score", "execution_time", "tests", "output", "visibility"]));
    expect(json.score).toBeCloseTo(7.6667, 4);
    expect(json.execution_time).toBeGreaterThan(0);
    expect(json.tests.map((t: { name: string }) => t.name)).toEqual(["test_sum_squares", "test_sum_squares_more", "test_mean_squares"]);
    for (const t of json.tests) expect(Object.keys(t).sort()).toEqual(["max_score", "name", "output", "score", "status", "visibility"]);
    expect(json.tests[2]).toMatchObject({ max_score: 4, status: "failed", visibility: "visible" });
  });

  it("feedback.md and .html exist for everyone and never contain hidden-test source", () => {
    for (const name of Object.keys(files)) {
      expect(fs.readFileSync(path.join(out, name, "feedback.md"), "utf8")).toMatch(new RegExp(`\\*\\*Student:\\*\\* ${name}`));
      expect(fs.readFileSync(path.join(out, name, "feedback.html"), "utf8")).toMatch(/^<!DOCTYPE html>/);
    }
    expect(allText(out)).not.toContain(HIDDEN_MARKER);
    expect(allText(out)).not.toContain("sumSquares([10, -10, 3])");
  });

  it("even hidden-test text a submission prints itself is scrubbed", () => {
    const r = result("prints-hidden");
    expect(r.score).toBe(9);
    expect(r.tests[0].output).toContain("[hidden]");
    expect(r.tests[0].output).not.toContain(HIDDEN_MARKER);
  });

  it("leaves no temporary files behind", () => {
    const names = fs.readdirSync(out, { recursive: true }) as string[];
    expect(names.filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});

describe("resuming, shards and merge", () => {
  it("a second run skips what is graded and regrades a changed submission", async () => {
    const before = fs.readFileSync(path.join(out, "alice", "results.json"), "utf8");
    write(path.dirname(files.dave), "dave", submission(CORRECT));
    const again = await gradeBatch({ assignment: SOLUTION, submissions: Object.values(files), outDir: out, jobs: 2, compiler });
    expect(again.skipped).toBe(Object.keys(files).length - 1);
    expect(again.graded).toBe(1);
    expect(fs.readFileSync(path.join(out, "alice", "results.json"), "utf8")).toBe(before);
    expect(again.results.find((r) => r.student === "dave")!.score).toBe(9);
    const forced = await gradeBatch({ assignment: SOLUTION, submissions: [files.alice], outDir: path.join(dir, "forced"), compiler });
    expect(forced.graded).toBe(1);
    const refreshed = await gradeBatch({ assignment: SOLUTION, submissions: [files.alice], outDir: path.join(dir, "forced"), force: true, compiler });
    expect(refreshed.graded).toBe(1);
  });

  it("shards grade disjoint parts that merge into the full grades.csv", async () => {
    const some = [files.alice, files.bob, files.carol, files.dave];
    const a = path.join(dir, "shard-a");
    const b = path.join(dir, "shard-b");
    const s1 = await gradeBatch({ assignment: SOLUTION, submissions: some, outDir: a, shard: { index: 1, count: 2 }, compiler });
    expect(mergeResults([a], path.join(dir, "incomplete")).missing).toEqual(["shard 2/2 (no shard-2-of-2.json)"]);
    const s2 = await gradeBatch({ assignment: SOLUTION, submissions: some, outDir: b, shard: { index: 2, count: 2 }, compiler });
    expect(s1.results.map((r) => r.student).concat(s2.results.map((r) => r.student)).sort()).toEqual(["alice", "bob", "carol", "dave"]);
    const merged = mergeResults([a, b], path.join(dir, "merged"));
    expect(merged.missing).toEqual([]);
    const csv = fs.readFileSync(merged.csvFile, "utf8").trim().split("\n");
    expect(csv.map((l) => l.split(",").slice(0, 4).join(","))).toEqual([
      "student,score,max_score,status",
      "alice,9,9,graded",
      "bob,7.6667,9,graded",
      "carol,6,9,graded",
      "dave,9,9,graded",
    ]);
    expect(fs.existsSync(path.join(dir, "merged", "carol", "feedback.md"))).toBe(true);
  });
});

describe("the nnlab command", () => {
  it("grades from the command line: one line per submission and a summary on stderr, exit 0", () => {
    const target = path.join(dir, "cli-out");
    const bin = path.join(__dirname, "..", "..", "bin", "nnlab.js");
    const run = spawnSync(process.execPath, [bin, "grade", "--assignment", SOLUTION, files.alice, files.bob, "--out", target, "--jobs", "1"], { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^grading 2 submission\(s\)\n\[1\/2\] alice: 9\/9 graded in [\d.]+s, ETA \d+s\n\[2\/2\] bob: 7\.67\/9 graded in [\d.]+s, ETA 0s  \(2 of 3 tests passed\)\ngraded 2 submission\(s\) in \d+s \([\d.]+\/s\); .*grades\.csv\n$/);
    const csv = fs.readFileSync(path.join(target, "grades.csv"), "utf8");
    expect(csv.split("\n").slice(1, 3).map((l) => l.split(",").slice(0, 2).join(","))).toEqual(["alice,9", "bob,7.6667"]);
  }, 300_000);
});

describe("pieces", () => {
  it("student names come from the part of the path that differs", () => {
    expect(studentIds(["subs/alice.ipynb", "subs/bob.ipynb"])).toEqual(["alice", "bob"]);
    expect(studentIds(["sub/alice/ps1/sq.ipynb", "sub/bob/ps1/sq.ipynb"])).toEqual(["alice", "bob"]);
    expect(studentIds(["a/x y.ipynb", "b/x y.ipynb"])).toEqual(["a", "b"]);
    expect(studentIds(["s/a.ipynb", "s/a.ipynb"])).toEqual(["a", "a~2"]);
  });

  it("student ids are unique by construction: names that used to normalise alike stay apart", () => {
    expect(studentIds(["subs/_victim.ipynb", "subs/victim.ipynb"])).toEqual(["_5Fvictim", "victim"]);
    expect(studentIds(["subs/x y.ipynb", "subs/x_y.ipynb", "subs/x_20y.ipynb"])).toEqual(["x_20y", "x_5Fy", "x_5F20y"]);
    expect(studentIds(["subs/Alice.ipynb", "subs/alice.ipynb"])).toEqual(["Alice", "alice~2"]);
    expect(studentIds(["subs/é.ipynb", "subs/.hidden.ipynb"])).toEqual(["_E9", "_2Ehidden"]);
    const long = studentIds(["subs/" + "a".repeat(300) + ".ipynb", "subs/" + "a".repeat(301) + ".ipynb"]);
    expect(long[0]).not.toBe(long[1]);
    expect(long.every((id) => id.length <= 200)).toBe(true);
  });

  it("progress: one plain line per submission off a terminal, JSON lines with --json", () => {
    const r: SubmissionResult = { ...result("bob"), executionTime: 1.5 };
    const text: string[] = [];
    const stream = { write: (s: string) => (text.push(s), true), isTTY: false } as unknown as NodeJS.WriteStream;
    const lines = createProgress("lines", stream, stream);
    lines.start(4, 1);
    lines.result(r, 1, 4, true); // already graded: not printed again
    lines.result(r, 2, 4, false);
    expect(text[0]).toBe("grading 3 submission(s), 1 already graded (use --force to grade them again)\n");
    expect(text[1]).toMatch(/^\[2\/4\] bob: 7\.67\/9 graded in 1\.5s, ETA \d+s  \(2 of 3 tests passed\)\n$/);
    expect(text).toHaveLength(2);
    text.length = 0;
    const json = createProgress("json", stream, stream);
    json.start(4, 0);
    json.result(r, 1, 4, false);
    expect(text.map((l) => JSON.parse(l))).toEqual([
      { event: "start", total: 4, skipped: 0 },
      { event: "result", done: 1, total: 4, skipped: false, student: "bob", score: r.score, max_score: 9, status: "graded", reason: "2 of 3 tests passed", seconds: 1.5 },
    ]);
  });
});
