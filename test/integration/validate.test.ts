// nnlab validate: the solution earns full marks and the untouched student
// version earns nothing on tests that use the answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { main } from "../../tools/cli";
import { readNotebookFile, writeNotebookFile, CodeCell } from "../../tools/notebook";
import { gradeId } from "../../tools/assignment";
import { CompilerPool, SandboxRoot, validateAssignment, ValidationReport } from "../../tools/grader";
import { SOLUTION, tmpdir } from "../helpers/assignment";

let dir: string;
let sandbox: SandboxRoot;
let compiler: CompilerPool;
let good: ValidationReport;
let brokenFile: string;
let cli: { code: number; stdout: string };

function test(id: string, source: string, points = 1): CodeCell {
  return { cell_type: "code", metadata: { nbgrader: { grade: true, solution: false, locked: true, grade_id: id, points, schema_version: 3 } }, source, outputs: [], execution_count: null };
}

beforeAll(async () => {
  dir = tmpdir("nnlab-validate-test-");
  // A broken copy of the fixture, with one mistake of each kind.
  const nb = readNotebookFile(SOLUTION);
  const t = nb.cells.find((c) => gradeId(c) === "test_sum_squares")!;
  t.source = t.source.replace("14)", "15)"); // the solution cannot pass this
  nb.cells.push(test("test_free_points", 'check.ok(typeof sumSquares === "function");')); // the stub passes this
  nb.cells.push({
    cell_type: "code",
    metadata: { nbgrader: { grade: false, solution: true, locked: false, grade_id: "double", schema_version: 3 } },
    // The stub replaces the declaration of y, so the student version does not type-check.
    source: "function double(x: number): number {\n  // BEGIN SOLUTION\n  const y = 2 * x;\n  // END SOLUTION\n  return y;\n}",
    outputs: [],
    execution_count: null,
  });
  nb.cells.push(test("test_double", "check.equal(double(2), 4);"));
  brokenFile = path.join(dir, "broken.ipynb");
  writeNotebookFile(brokenFile, nb);

  sandbox = SandboxRoot.create();
  compiler = await CompilerPool.start({ cwd: sandbox.compileDir });
  good = await validateAssignment(SOLUTION, { compiler, limits: { cellTimeoutMs: 20_000 } });

  const chunks: string[] = [];
  const write0 = process.stdout.write.bind(process.stdout);
  (process.stdout as { write: unknown }).write = (c: string | Uint8Array) => (chunks.push(String(c)), true);
  try {
    cli = { code: await main(["validate", brokenFile, "--cell-timeout", "20", "--json"]), stdout: "" };
  } finally {
    (process.stdout as { write: unknown }).write = write0;
  }
  cli.stdout = chunks.join("");
}, 600_000);

afterAll(async () => {
  await compiler?.close();
  sandbox?.dispose();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("nnlab validate", () => {
  it("accepts the fixture exercise: full marks for the solution, none for the stubs", () => {
    expect(good.problems).toEqual([]);
    expect(good.ok).toBe(true);
    expect(good.solution!.score).toBe(9);
    expect(good.student!.score).toBe(0);
  });

  it("exits 1 and reports every kind of mistake", () => {
    expect(cli.code).toBe(1);
    const [report] = JSON.parse(cli.stdout) as { ok: boolean; problems: string[] }[];
    expect(report.ok).toBe(false);
    const problems = report.problems.join("\n");
    expect(problems).toMatch(/solution: test "test_sum_squares" earns 0 of 2 points — test: the solution fails the check at line \d+: value is 14, expected 15/);
    expect(problems).toMatch(/student version: test "test_free_points" gives 1 of 1 points to the untouched stubs \(it uses sumSquares\)/);
    expect(problems).toMatch(/student version: answer cell "double": type error at line 4: Cannot find name 'y'/);
  });

  it("refuses a notebook that is not a valid assignment before running anything", async () => {
    const nb = readNotebookFile(SOLUTION);
    nb.cells[3].source += "\n// BEGIN SOLUTION";
    const file = path.join(dir, "unclosed.ipynb");
    writeNotebookFile(file, nb);
    const report = await validateAssignment(file, { compiler });
    expect(report.ok).toBe(false);
    expect(report.problems.join("\n")).toMatch(/cell 4, line 8: "\/\/ BEGIN SOLUTION" is never closed/);
  });
});
