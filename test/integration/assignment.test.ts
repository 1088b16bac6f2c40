// The assignment format: nbgrader metadata and checksums, solution and
// hidden-test regions (the check helper's own tests are in test/unit/check.test.ts).
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { readNotebookFile, Cell, CodeCell } from "../../tools/notebook";
import {
  cellRole,
  computeChecksum,
  hasRegion,
  hiddenFragments,
  isLocked,
  maxScore,
  RegionError,
  removeHidden,
  splitRegions,
  stubSolutions,
  testCells,
  testRuns,
  assignmentProblems,
  declaredNames,
  testDependencies,
} from "../../tools/assignment";

const FIXTURE = path.join(__dirname, "..", "fixtures", "assignment", "solutions", "squares.ipynb");

function code(source: string, nbgrader?: Record<string, unknown>): CodeCell {
  return { cell_type: "code", metadata: nbgrader ? { nbgrader } : {}, source, outputs: [], execution_count: null };
}

describe("cell roles from nbgrader metadata", () => {
  it("reads the roles of the fixture exercise", () => {
    const nb = readNotebookFile(FIXTURE);
    const roles = nb.cells.map(cellRole);
    expect(roles.filter((r) => r === "solution")).toHaveLength(2);
    expect(roles.filter((r) => r === "test")).toHaveLength(3);
    expect(roles.filter((r) => r === "locked")).toHaveLength(1);
    expect(testCells(nb).map((t) => [t.gradeId, t.points])).toEqual([
      ["test_sum_squares", 2],
      ["test_sum_squares_more", 3],
      ["test_mean_squares", 4],
    ]);
    expect(maxScore(nb)).toBe(9);
    expect(assignmentProblems(nb)).toEqual([]);
  });

  it("treats graded non-solution cells as locked, like nbgrader", () => {
    expect(isLocked(code("x", { grade: true, solution: false, locked: false, grade_id: "t", points: 1 }))).toBe(true);
    expect(isLocked(code("x", { grade: false, solution: true, locked: true, grade_id: "s" }))).toBe(false);
    expect(isLocked(code("x", { locked: true, grade_id: "l" }))).toBe(true);
    expect(isLocked(code("x"))).toBe(false);
  });

  it("reports missing and duplicate grade_ids and pointless test cells", () => {
    const nb = readNotebookFile(FIXTURE);
    const broken = { ...nb, cells: [...nb.cells] };
    broken.cells.push(code("check.ok(true)", { grade: true, solution: false, grade_id: "test_sum_squares", points: 1 }));
    broken.cells.push(code("check.ok(true)", { grade: true, solution: false, points: 1 }));
    broken.cells.push(code("check.ok(true)", { grade: true, solution: false, grade_id: "zero", points: 0 }));
    const problems = assignmentProblems(broken).join("\n");
    expect(problems).toMatch(/grade_id "test_sum_squares" is also used by cell 5/);
    expect(problems).toMatch(/without a grade_id/);
    expect(problems).toMatch(/"zero" has no points/);
  });
});

describe("checksums", () => {
  // nbgrader's utils.compute_checksum, written out in Python, is the reference.
  const PY = `
import hashlib, json, sys
cell = json.load(sys.stdin)
nb = cell["metadata"]["nbgrader"]
grade = nb.get("grade", False); solution = nb.get("solution", False)
locked = False if solution else (True if grade else nb.get("locked", False))
m = hashlib.md5()
for part in [cell["source"], cell["cell_type"], str(grade), str(solution), str(locked), nb["grade_id"]]:
    m.update(part.encode("utf-8"))
if grade:
    m.update(str(float(nb["points"])).encode("utf-8"))
print(m.hexdigest())
`;
  const python = (cell: Cell) => execFileSync("python3", ["-c", PY], { input: JSON.stringify(cell) }).toString().trim();

  it.each([
    ["a test cell", code("check.equal(f(1), 2);\n", { grade: true, solution: false, grade_id: "t1", points: 2 })],
    ["a test cell worth half a point", code("check.ok(true)", { grade: true, solution: false, grade_id: "t2", points: 0.5 })],
    ["a solution cell", code("// YOUR CODE HERE\nthrow new Error(\"not implemented\");", { grade: false, solution: true, grade_id: "s1" })],
    ["a locked cell with non-ASCII text", code('const π = 3.14; // «circle»', { grade: false, solution: false, locked: true, grade_id: "l1" })],
  ])("matches nbgrader for %s", (_what, cell) => {
    expect(computeChecksum(cell)).toBe(python(cell));
  });

  it("changes when the source or the points change", () => {
    const a = code("x", { grade: true, solution: false, grade_id: "t", points: 1 });
    const b = code("x ", { grade: true, solution: false, grade_id: "t", points: 1 });
    const c = code("x", { grade: true, solution: false, grade_id: "t", points: 2 });
    expect(new Set([computeChecksum(a), computeChecksum(b), computeChecksum(c)]).size).toBe(3);
  });
});

describe("regions", () => {
  const solution = "function f(x: number): number {\n  // BEGIN SOLUTION\n  return x * 2;\n  // END SOLUTION\n}\n";

  it("replaces a solution region by an indented stub", () => {
    expect(stubSolutions(solution)).toBe('function f(x: number): number {\n  // YOUR CODE HERE\n  throw new Error("not implemented");\n}\n');
  });

  it("removes hidden tests with their markers", () => {
    const t = "check.equal(f(1), 2);\n// BEGIN HIDDEN TESTS\ncheck.equal(f(50), 100);\n// END HIDDEN TESTS\ncheck.ok(true);";
    expect(removeHidden(t)).toBe("check.equal(f(1), 2);\ncheck.ok(true);");
    expect(testRuns(t)).toEqual([
      { hidden: false, code: "check.equal(f(1), 2);" },
      { hidden: true, code: "check.equal(f(50), 100);" },
      { hidden: false, code: "check.ok(true);" },
    ]);
    expect(hiddenFragments(t)).toContain("check.equal(f(50), 100);");
  });

  it("keeps several regions apart and finds them", () => {
    const two = "// BEGIN SOLUTION\na();\n// END SOLUTION\nmiddle();\n// BEGIN SOLUTION\nb();\n// END SOLUTION";
    expect(splitRegions(two).map((s) => s.kind)).toEqual(["solution", "code", "solution"]);
    expect(hasRegion(two, "solution")).toBe(true);
    expect(hasRegion(two, "hidden")).toBe(false);
  });

  it.each([
    ["an unclosed region", "// BEGIN SOLUTION\nx", /line 1: "\/\/ BEGIN SOLUTION" is never closed/],
    ["an END without BEGIN", "x\n// END SOLUTION", /line 2: "\/\/ END SOLUTION" without a matching/],
    ["nested regions", "// BEGIN SOLUTION\n// BEGIN HIDDEN TESTS\n", /line 2: .*cannot nest/],
  ])("rejects %s with the line number", (_what, src, message) => {
    expect(() => splitRegions(src, "cell 3")).toThrow(RegionError);
    expect(() => splitRegions(src, "cell 3")).toThrow(message);
  });
});

describe("what a solution cell declares, and which tests use it", () => {
  it("finds top-level functions, classes and variables (also destructured)", () => {
    const names = declaredNames("function f() {}\nclass C {}\nconst [a, { b }] = g();\nlet z = 1;\nif (true) { const inner = 2; }");
    expect([...names].sort()).toEqual(["C", "a", "b", "f", "z"]);
  });

  it("links the fixture's tests to the functions the student writes", () => {
    const deps = testDependencies(readNotebookFile(FIXTURE));
    expect(deps.get("test_sum_squares")).toEqual(["sumSquares"]);
    expect(deps.get("test_mean_squares")).toEqual(["meanSquares"]);
  });
});
