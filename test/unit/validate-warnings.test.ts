// nnlab validate's warnings: hidden tests whose verdict the student's process could decide.
import { describe, expect, it } from "vitest";
import path from "node:path";
import { CodeCell, readNotebookFile } from "../../tools/notebook";
import { gradeId } from "../../tools/assignment";
import { forgeryWarnings } from "../../tools/grader/validate";

const SOLUTION = path.join(__dirname, "..", "fixtures", "assignment", "solutions", "squares.ipynb");

function withTest(id: string, source: string) {
  const nb = readNotebookFile(SOLUTION);
  (nb.cells.find((c) => gradeId(c) === id) as CodeCell).source = source;
  return nb;
}

describe("forgeryWarnings", () => {
  it("the fixture exercise has none", () => {
    expect(forgeryWarnings(readNotebookFile(SOLUTION))).toEqual([]);
  });

  it("warns about check.ok and student-computed expectations in hidden tests only", () => {
    const hidden = "// BEGIN HIDDEN TESTS\ncheck.ok(sumSquares([2]) === 4);\ncheck.equal(sumSquares([1, 2]), meanSquares([1, 2]) * 2);\n// END HIDDEN TESTS";
    const w = forgeryWarnings(withTest("test_sum_squares_more", hidden));
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^test "test_sum_squares_more" \(hidden\), line 1: check\.ok decides in the student's process/);
    expect(w[1]).toMatch(/line 2: the expected value is computed by the student's code/);
    expect(forgeryWarnings(withTest("test_sum_squares_more", "check.ok(sumSquares([2]) === 4);"))).toEqual([]);
  });

  it("warns about a test that only checks throws, and about chance and the clock", () => {
    expect(forgeryWarnings(withTest("test_sum_squares_more", "check.throws(() => sumSquares(null as any));"))).toEqual([
      'test "test_sum_squares_more" only checks that calls throw: a function that always throws passes it; add a check on a value',
    ]);
    expect(forgeryWarnings(withTest("test_sum_squares_more", "const x = Math.random();\ncheck.close(sumSquares([x]), x * x, 1e-12);"))[0]).toMatch(/uses Math\.random or the clock/);
  });
});
