// Grading step: what actually runs for each cell, in each kernel.
//
// Ordinary cells run as they are. Each test cell is cut into runs of visible
// and hidden code, and each run is split (split.ts) into
//   - the student's version, for the sandboxed kernel: only actual values,
//     reported through nnlabGrader, wrapped in begin()/end();
//   - the trusted version, for the kernel that runs the solution once per
//     batch (expectations.ts): expected values recorded through nnlabTrusted.
// The plan of the test runs depends only on the assignment, so it is made
// once per batch and shared by every submission.
import type { Notebook } from "../notebook";
import { cellPoints, cellRole, gradeId } from "../assignment/metadata";
import { declaredNames } from "../assignment/dependencies";
import { testRuns } from "../assignment/regions";
import { SplitRun, splitRun, STUDENT_GLOBAL, TRUSTED_GLOBAL } from "./split";

export interface TestRun {
  /** "<grade_id>:<n>": the n-th run of that test cell. */
  id: string;
  gradeId: string;
  hidden: boolean;
  points: number;
  split: SplitRun;
  /** Source for the student's kernel. */
  student: string;
  /** Source for the trusted kernel. */
  trusted: string;
}

export interface Step {
  /** Index of the cell in the notebook being run. */
  cell: number;
  /** TypeScript to convert and run (for a test run: the side's version). */
  source: string;
  test?: TestRun;
}

/** Removes `check` from `import { … } from "nnlab"` (test runs call the grader's reporter instead). */
export function withoutCheckImport(code: string): string {
  return code.replace(/import\s*\{([^}]*)\}\s*from\s*(["'])nnlab\2\s*;?/g, (all, names: string) => {
    const keep = names
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "" && s !== "check");
    const newlines = all.replace(/[^\n]/g, "");
    return keep.length === 0 ? newlines : `import { ${keep.join(", ")} } from "nnlab";${newlines}`;
  });
}

/**
 * `keepNnlabTypes`: when the notebook imports nnlab, a type-only import keeps
 * nnlab's declarations in the converter's program after `check` is shadowed;
 * otherwise they would drop out and come back with every cell, which makes
 * each conversion several times slower (nothing changes at run time).
 */
function wrap(global: string, code: string, keepNnlabTypes: boolean, shadowCheck: boolean): string {
  const types = keepNnlabTypes ? 'import type * as nnlabTypes from "nnlab"; ' : "";
  const check = shadowCheck ? `const check = ${global}.check; ` : "";
  return `"use strict"; ${types}declare const ${global}: any; ${check}${global}.begin();\n${withoutCheckImport(code)}\n;${global}.end();`;
}

/** Names the student's answers declare: what makes a value "computed by the student's code". */
export function answerNames(assignment: Notebook): Set<string> {
  const names = new Set<string>();
  for (const cell of assignment.cells) if (cell.cell_type === "code" && cellRole(cell) === "solution") for (const n of declaredNames(cell.source)) names.add(n);
  return names;
}

/** Every test run of the assignment, split for both kernels (grade_id → runs in order). */
export function planTests(assignment: Notebook): Map<string, TestRun[]> {
  const plan = new Map<string, TestRun[]>();
  const student = answerNames(assignment);
  const usesNnlab = assignment.cells.some((c) => c.cell_type === "code" && /from\s*["']nnlab["']/.test(c.source));
  assignment.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code" || cellRole(cell) !== "test") return;
    const id = gradeId(cell) ?? `cell-${index + 1}`;
    const runs = testRuns(cell.source, `cell ${index + 1}`);
    if (runs.length === 0) runs.push({ hidden: false, code: "" });
    plan.set(
      id,
      runs.map((r, n) => {
        const split = splitRun(r.code, student, r.hidden);
        return {
          id: `${id}:${n}`,
          gradeId: id,
          hidden: r.hidden,
          points: cellPoints(cell),
          split,
          student: wrap(STUDENT_GLOBAL, split.student, usesNnlab, true),
          trusted: wrap(TRUSTED_GLOBAL, split.trusted, usesNnlab, false),
        };
      }),
    );
  });
  return plan;
}

/** The steps for a notebook whose test cells are the assignment's (restored), for one side. */
export function planSteps(nb: Notebook, tests: Map<string, TestRun[]>, side: "student" | "trusted"): Step[] {
  const steps: Step[] = [];
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code" || cell.source.trim() === "") return;
    const runs = cellRole(cell) === "test" ? tests.get(gradeId(cell) ?? `cell-${index + 1}`) : undefined;
    if (!runs) {
      steps.push({ cell: index, source: cell.source });
      return;
    }
    for (const run of runs) steps.push({ cell: index, source: run[side], test: run });
  });
  return steps;
}
