// Step 2 of grading: what actually runs for each cell.
//
// Ordinary cells run as they are. Each test cell is cut into runs of visible
// and hidden code (hidden runs' output is withheld from feedback), and each
// run is wrapped so that
//   - it is strict-mode code (a student function it calls cannot reach it
//     through `arguments.callee.caller` or a stack trace's getFunction()),
//   - `check` is the grader's trusted helper, whatever the student declared,
//   - it calls nnlabGrader.begin(run, nonce) first and .end(run, nonce) last;
//     only a run that reaches its last line produces the authenticated report
//     the parent scores.
// The nonce is a placeholder here and is filled in after compiling, so every
// student's test runs share one compiled form (and one compile).
import type { Notebook } from "../notebook";
import { cellRole, gradeId, cellPoints } from "../assignment/metadata";
import { testRuns } from "../assignment/regions";
import { AGENT_GLOBAL } from "./sandbox/agent";

export const NONCE_PLACEHOLDER = "nnlab-nonce-placeholder-7d1e0c";

export interface Step {
  /** Index of the cell in the gradable notebook. */
  cell: number;
  /** TypeScript to convert and run. */
  source: string;
  /** For test runs: which test and which run (runs are numbered across the notebook). */
  test?: { gradeId: string; run: number; hidden: boolean; points: number };
}

/** Removes `check` from `import { … } from "nnlab"` (the grader provides it). */
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
 * The wrapped source of one test run (line numbers stay those of the test code).
 * `keepNnlabTypes`: when the notebook imports nnlab, a type-only import keeps
 * nnlab's type declarations in the compiler's program after `check` is
 * shadowed; otherwise they would drop out and come back with every cell,
 * which makes each conversion several times slower (nothing changes at run time).
 */
export function instrumentRun(code: string, run: number, keepNnlabTypes = false): string {
  const g = AGENT_GLOBAL;
  const types = keepNnlabTypes ? 'import type * as nnlabTypes from "nnlab"; ' : "";
  const prefix = `"use strict"; ${types}declare const ${g}: any; const check = ${g}.check; ${g}.begin(${run}, "${NONCE_PLACEHOLDER}"); `;
  return prefix + withoutCheckImport(code) + `\n;${g}.end(${run}, "${NONCE_PLACEHOLDER}");`;
}

/** The steps for a gradable notebook, in order. Blank code cells are skipped (as nbclient does). */
export function planSteps(nb: Notebook): Step[] {
  const steps: Step[] = [];
  let run = 0;
  const usesNnlab = nb.cells.some((c) => c.cell_type === "code" && /from\s*["']nnlab["']/.test(c.source));
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code" || cell.source.trim() === "") return;
    if (cellRole(cell) !== "test") {
      steps.push({ cell: index, source: cell.source });
      return;
    }
    const id = gradeId(cell) ?? `cell-${index + 1}`;
    const runs = testRuns(cell.source, `cell ${index + 1}`);
    if (runs.length === 0) runs.push({ hidden: false, code: "" });
    for (const r of runs) {
      steps.push({ cell: index, source: instrumentRun(r.code, run, usesNnlab), test: { gradeId: id, run, hidden: r.hidden, points: cellPoints(cell) } });
      run++;
    }
  });
  return steps;
}
