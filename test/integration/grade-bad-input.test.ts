// Bad submissions, graded in ONE parallel batch with two good ones: each
// must end as a grades.csv row with a clear reason, and the good ones must
// be graded normally. Short limits keep this file quick (8 s per cell).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { main } from "../../tools/cli";
import { Notebook } from "../../tools/notebook";
import { CORRECT, SOLUTION, codeCell, insertAfter, submission, tmpdir, write } from "../helpers/assignment";
import { parseCsv } from "../helpers/csv";

let dir: string;
let out: string;
let server: net.Server;
let connections = 0;
let rows: Map<string, { score: number; status: string; reason: string; tests: number[] }>;
let json: { event: string; student?: string; score?: number; reason?: string; total?: number }[];
let exitCode: number;
const touched = () => path.join(dir, "touched-by-child-process");

function row(name: string) {
  const r = rows.get(name);
  if (!r) throw new Error(`no row for ${name}; rows: ${[...rows.keys()].join(", ")}`);
  return r;
}

/** A correct submission with one extra cell after the given answer. */
const correctWith = (after: string, source: string): Notebook => insertAfter(submission(CORRECT), after, codeCell(source));

beforeAll(async () => {
  dir = tmpdir("nnlab-bad-");
  out = path.join(dir, "out");
  const subs = path.join(dir, "subs");
  fs.mkdirSync(subs);
  server = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;

  const w = (name: string, nb: Notebook | string | Buffer) => write(subs, name, nb);
  w("good", submission(CORRECT));
  w("partial", submission({ ...CORRECT, mean_squares: "function meanSquares(xs: number[]): number {\n  return xs.length ? sumSquares(xs) / xs.length : 0;\n}" }));
  w("invalid-json", '{"cells": [');
  w("empty", "");
  w("nbformat3", JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [] }] }));
  const python = submission(CORRECT);
  python.metadata.kernelspec = { name: "python3", display_name: "Python 3", language: "python" };
  python.metadata.language_info = { name: "python" };
  w("python", python);
  const noIds = submission(CORRECT);
  for (const c of noIds.cells) if ((c.metadata.nbgrader as { solution?: boolean } | undefined)?.solution) delete c.metadata.nbgrader;
  w("missing-grade-ids", noIds);
  const renamed = submission(CORRECT);
  for (const c of renamed.cells) {
    const m = c.metadata.nbgrader as { grade_id?: string } | undefined;
    if (m?.grade_id) m.grade_id += "_renamed";
  }
  w("renamed-grade-ids", renamed);
  const huge = submission(CORRECT);
  for (let i = 0; i < 10_000; i++) huge.cells.push(codeCell(`const v${i} = ${i};`));
  w("ten-thousand-cells", huge);
  const text = fs.readFileSync(write(subs, "tmp", submission(CORRECT)));
  fs.rmSync(path.join(subs, "tmp.ipynb"));
  const bad = Buffer.from(text.toString("utf8").replace("Exercise", "Exerc\u0000ise"));
  bad[bad.indexOf(0)] = 0xff;
  w("non-utf8", bad);
  w("infinite-loop", submission({ ...CORRECT, mean_squares: "function meanSquares(xs: number[]): number {\n  while (true) {}\n}" }));
  w("endless-await", correctWith("sum_squares", "await new Promise(() => {});"));
  w("process-exit", correctWith("sum_squares", "process.exit(0);"));
  w("throw-first", insertAfter(submission(CORRECT), "^", codeCell('throw new Error("boom in the first cell");')));
  w("prints-50mb", correctWith("sum_squares", 'console.log("x".repeat(50 * 1024 * 1024));'));
  w("memory-bomb", correctWith("sum_squares", "const hog: Buffer[] = [];\nwhile (true) hog.push(Buffer.alloc(64 * 1024 * 1024, 1));"));
  w("child-process", correctWith("sum_squares", `require("child_process").execSync("touch ${touched()}");`));
  w("reads-solution", correctWith("sum_squares", `console.log(require("fs").readFileSync(${JSON.stringify(path.resolve(SOLUTION))}, "utf8").length);`));
  w("network", correctWith("sum_squares", `await fetch("http://127.0.0.1:${port}/");`));
  w("network-socket", correctWith("sum_squares", `require("net").connect(${port}, "127.0.0.1");`));

  const lines: string[] = [];
  const write0 = process.stdout.write.bind(process.stdout);
  (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  try {
    exitCode = await main(["grade", "--assignment", SOLUTION, subs, "--out", out, "--jobs", "2", "--cell-timeout", "8", "--timeout", "60", "--memory", "400", "--max-output", "1", "--max-cells", "2000", "--json"]);
  } finally {
    (process.stdout as { write: unknown }).write = write0;
  }
  json = lines.join("").trim().split("\n").map((l) => JSON.parse(l));
  const csv = parseCsv(fs.readFileSync(path.join(out, "grades.csv"), "utf8"));
  rows = new Map(csv.slice(1).map((r) => [r[0], { score: Number(r[1]), status: r[3], reason: r[4], tests: r.slice(6).map(Number) }]));
}, 600_000);

afterAll(async () => {
  server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("a batch with bad submissions", () => {
  it("finishes, with a row for every submission", () => {
    expect(exitCode).toBe(0);
    expect(rows.size).toBe(20);
    expect(json[0]).toMatchObject({ event: "start", total: 20 });
    expect(json.filter((j) => j.event === "result")).toHaveLength(20);
    expect(json[json.length - 1]).toMatchObject({ event: "summary" });
  });

  it("grades the good submissions normally", () => {
    expect(row("good")).toMatchObject({ score: 9, status: "graded", reason: "3 of 3 tests passed" });
    expect(row("partial").score).toBeCloseTo(7.6667, 4);
  });
});

describe("unreadable notebooks are rows with the reason", () => {
  it.each([
    ["invalid-json", /not valid JSON/],
    ["empty", /is empty/],
    ["nbformat3", /nbformat 3 notebook; convert it with jupyter nbconvert/],
    ["python", /is a python notebook, not TypeScript/],
    ["ten-thousand-cells", /has 100\d\d code cells; at most 2000 are graded/],
    ["non-utf8", /not UTF-8 text \(invalid byte 0xff/],
  ])("%s", (name, reason) => {
    expect(row(name)).toMatchObject({ score: 0, status: "failed" });
    expect(row(name).reason).toMatch(reason);
  });
});

describe("notebooks that misbehave are graded, with the reason", () => {
  it("missing grade_ids: the answers still count", () => {
    expect(row("missing-grade-ids").score).toBe(9);
    expect(row("missing-grade-ids").reason).toMatch(/answer cell "sum_squares" is missing from the submission/);
  });

  it("renamed grade_ids: tests restored, answers found", () => {
    expect(row("renamed-grade-ids").score).toBe(9);
    expect(row("renamed-grade-ids").reason).toMatch(/test cell "test_sum_squares" was deleted \(restored\)/);
  });

  it("an infinite loop costs only the test that hits it", () => {
    expect(row("infinite-loop").tests).toEqual([2, 3, 0]);
    expect(row("infinite-loop").reason).toMatch(/test "test_mean_squares": timeout \(Timeout: cell exceeded 8 s\)/);
  });

  it.each([
    ["endless-await", /cell 5: timeout \(Timeout: cell exceeded 8 s\)/],
    ["process-exit", /cell 5: died \(KernelDied: the kernel process exited with code 0 during the cell/],
    ["throw-first", /cell 1: Error: boom in the first cell/],
    ["memory-bomb", /cell 5: died \(MemoryError: the cell used more than/],
    ["child-process", /cell 5: Error: Access to this API has been restricted/],
    ["reads-solution", /cell 5: Error: Access to this API has been restricted/],
    ["network", /cell 5: Error: network access is disabled while grading/],
    ["network-socket", /cell 5: Error: network access is disabled while grading/],
  ])("%s: the rest is graded normally", (name, reason) => {
    expect(row(name)).toMatchObject({ score: 9, status: "graded" });
    expect(row(name).reason).toMatch(reason);
  });

  it("prints-50mb: the output limit is the notebook's, so a restart does not reset it and the rest is not run", () => {
    expect(row("prints-50mb")).toMatchObject({ score: 0, status: "graded" });
    expect(row("prints-50mb").reason).toMatch(/cell 5: output_limit \(OutputLimitExceeded: the notebook printed more than 1 MiB/);
    expect(row("prints-50mb").reason).toMatch(/the notebook printed more than its output limit/);
  });

  it("nothing escaped the sandbox", () => {
    expect(fs.existsSync(touched())).toBe(false);
    expect(connections).toBe(0);
  });
});
