// The scrubber: hidden-test text never reaches feedback, but the hints instructors publish do.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CodeCell, readNotebookFile } from "../../tools/notebook";
import { gradeId } from "../../tools/assignment";
import { Scrubber } from "../../tools/grader/scrub";

const SOLUTION = path.join(__dirname, "..", "fixtures", "assignment", "solutions", "squares.ipynb");

describe("Scrubber.forAssignment", () => {
  const nb = readNotebookFile(SOLUTION);
  const cell = nb.cells.find((c) => gradeId(c) === "test_sum_squares_more") as CodeCell;
  cell.source = '// BEGIN HIDDEN TESTS\n// hint: the mean of an empty list is an error\ncheck.equal(sumSquares([3]), 9, "secret message here");\ncheck.throws(() => meanSquares([]), "mean");\n// END HIDDEN TESTS';
  const scrub = Scrubber.forAssignment(nb);

  it("removes hidden lines and string literals", () => {
    expect(scrub.text('printed: check.equal(sumSquares([3]), 9, "secret message here");')).not.toContain("secret message");
    expect(scrub.text("the secret message here, again")).toBe("the [hidden], again");
  });

  it("keeps published hints whole, including words that are also hidden literals", () => {
    expect(scrub.text("Hint: the mean of an empty list is an error")).toBe("Hint: the mean of an empty list is an error");
  });
});
