// The student version of an assignment, made from the instructor's solution
// notebook: solution regions become stubs, hidden tests disappear, outputs
// are cleared and locked cells get nbgrader checksums. It is a pure function
// of the solution notebook, so generating twice gives the same bytes.
import type { Cell, Notebook } from "../notebook";
import { cloneJson } from "../notebook";
import { computeChecksum } from "./checksum";
import { assignmentProblems, cellRole, NBGRADER_SCHEMA_VERSION, nbgraderMeta } from "./metadata";
import { hasRegion, removeHidden, RegionError, SOLUTION_STUB, stubSolutions } from "./regions";

export class AssignmentError extends Error {
  constructor(
    readonly problems: string[],
    file?: string,
  ) {
    super(`${file ? file + ": " : ""}not a valid assignment:\n  - ${problems.join("\n  - ")}`);
    this.name = "AssignmentError";
  }
}

/**
 * Checks that a solution notebook can be turned into an assignment; throws
 * AssignmentError listing every problem (not just the first).
 */
export function checkAssignment(nb: Notebook, file?: string): void {
  const problems = assignmentProblems(nb);
  nb.cells.forEach((cell, k) => {
    const where = `cell ${k + 1}`;
    const role = cellRole(cell);
    try {
      const solutionRegion = hasRegion(cell.source, "solution", where);
      const hiddenRegion = hasRegion(cell.source, "hidden", where);
      if (solutionRegion && role !== "solution") {
        problems.push(`${where}: has "// BEGIN SOLUTION" but is not a solution cell (set metadata.nbgrader.solution = true)`);
      }
      if (hiddenRegion && role !== "test") {
        problems.push(`${where}: has "// BEGIN HIDDEN TESTS" but is not a test cell (set metadata.nbgrader.grade = true)`);
      }
      if (role === "solution" && cell.cell_type !== "code" && solutionRegion) {
        problems.push(`${where}: solution regions are only supported in code cells`);
      }
    } catch (e) {
      if (e instanceof RegionError) problems.push(e.message);
      else throw e;
    }
  });
  if (problems.length > 0) throw new AssignmentError(problems, file);
}

/** The student version of one cell (a new object; the input is not modified). */
export function studentCell(cell: Cell, where = "cell"): Cell {
  const out = cloneJson(cell);
  const role = cellRole(cell);
  if (role === "solution" && out.cell_type === "code") {
    out.source = hasRegion(cell.source, "solution", where) ? stubSolutions(cell.source, where) : SOLUTION_STUB;
  } else if (role === "solution") {
    out.source = "YOUR ANSWER HERE";
  } else if (role === "test") {
    out.source = removeHidden(cell.source, where);
  }
  if (out.cell_type === "code") {
    out.outputs = [];
    out.execution_count = null;
  }
  const meta = nbgraderMeta(out);
  if (meta) {
    meta.schema_version = NBGRADER_SCHEMA_VERSION;
    if (role === "solution" || role === "test" || role === "locked") {
      meta.checksum = computeChecksum(out);
      meta.cell_type = out.cell_type;
    }
  }
  return out;
}

/** The student version of a whole solution notebook. */
export function generateStudentVersion(solution: Notebook, file?: string): Notebook {
  checkAssignment(solution, file);
  const nb = cloneJson(solution);
  nb.cells = solution.cells.map((cell, k) => studentCell(cell, `cell ${k + 1}`));
  return nb;
}
