// The assignment format: nbgrader metadata and checksums, solution and
// hidden-test regions, and the check helper used by test cells.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { check, CheckError, createCheck, PartialResult } from "nnlab";
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

describe("check", () => {
  it("equal compares deeply and explains the first difference", () => {
    check.equal([1, [2, 3], { a: NaN }], [1, [2, 3], { a: NaN }]);
    check.equal(new Float64Array([1, 2]), new Float64Array([1, 2]));
    check.equal(new Map([["k", [1]]]), new Map([["k", [1]]]));
    expect(() => check.equal([1, [2, 4]], [1, [2, 3]])).toThrow("[1][1] is 4, expected 3");
    expect(() => check.equal({ a: 1 }, { a: 1, b: 2 })).toThrow('has no property "b"');
    expect(() => check.equal([1, 2], [1, 2, 3])).toThrow("has length 2, expected 3");
    expect(() => check.equal("1", 1, "as a number")).toThrow('as a number: value is "1", expected 1');
  });

  it("close accepts rounding error and rejects real differences, for numbers, arrays and matrices", () => {
    check.close(0.1 + 0.2, 0.3);
    check.close([1, 2.0000001], [1, 2], 1e-6);
    check.close({ rows: 1, cols: 2, data: new Float64Array([1, 2]) }, [[1, 2]]);
    check.close(1e9 + 1, 1e9, 1e-6); // relative for large values
    expect(() => check.close(0.31, 0.3, 1e-3)).toThrow(/value is 0.31, expected 0.3/);
    expect(() => check.close([1, 2], [1, 2, 3])).toThrow(/got 2 numbers/);
    expect(() => check.close("a", 1)).toThrow(/not a number/);
  });

  it("throws checks the error thrown", () => {
    check.throws(() => {
      throw new RangeError("empty list");
    }, RangeError);
    check.throws(() => {
      throw new Error("bad shape 2×3");
    }, /shape/);
    expect(() => check.throws(() => 1)).toThrow(/returned normally/);
    expect(() => check.throws(() => { throw new Error("x"); }, RangeError)).toThrow(/expected a RangeError/);
  });

  it("a failed check is a CheckError", () => {
    let caught: unknown;
    try {
      check.ok(false, "must hold");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckError);
    expect((caught as Error).message).toBe("must hold: expected a true condition, got false");
  });

  it("partial runs every part and reports the fraction that passed", () => {
    const lines: string[] = [];
    const seen: PartialResult[] = [];
    const c = createCheck({ print: (l) => lines.push(l), onPartial: (r) => seen.push(r) });
    const fraction = c.partial({
      one: () => c.equal(1, 1),
      two: () => c.equal(2, 3),
      three: () => c.ok(true),
    });
    expect(fraction).toBeCloseTo(2 / 3, 12);
    expect(lines).toEqual(["✓ one", "✗ two: CheckError: value is 2, expected 3", "✓ three"]);
    expect(seen[0]).toMatchObject({ passed: 2, total: 3 });
    expect(() => c.partial({ later: (() => Promise.resolve()) as () => unknown })).not.toThrow();
    expect(seen[1]).toMatchObject({ passed: 0, total: 1 });
  });

  it("is frozen and does not depend on built-ins replaced later", () => {
    expect(Object.isFrozen(check)).toBe(true);
    const is = Object.is;
    const abs = Math.abs;
    try {
      Object.is = () => true;
      Math.abs = () => 0;
      expect(() => check.equal(1, 2)).toThrow(CheckError);
      expect(() => check.close(1, 2)).toThrow(CheckError);
    } finally {
      Object.is = is;
      Math.abs = abs;
    }
  });
});
