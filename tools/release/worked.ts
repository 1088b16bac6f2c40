// `nnlab release worked`: worked solutions to hand out after the deadline —
// the instructor's notebook with its answers in place (markers removed), the
// visible tests, and the outputs of running it; hidden tests are cut out
// before it runs, so neither their code nor anything they print is in it.
import fs from "node:fs";
import path from "node:path";
import type { Cell, Notebook } from "../notebook";
import { cloneJson, readNotebookFile, serializeNotebook, writeFileAtomic } from "../notebook";
import { runNotebook } from "../engine";
import { checkAssignment } from "../assignment/generate";
import { cellRole } from "../assignment/metadata";
import { removeHidden, stripMarkers } from "../assignment/regions";
import { ReleaseError } from "./files";
import { assignmentSecrets, findLeaks, searchable } from "./leaks";
import { solutionNotebooks } from "./student";

export interface WorkedResult {
  source: string;
  target: string;
  ok: boolean;
  /** Why it was not written (the first failing cell, or a leak). */
  problem?: string;
}

const NOTE_ID = "worked-solution-note";

/** solutions/<arg>.ipynb, solutions/<arg>-….ipynb (E03 → E03-gradient-step.ipynb), or a path as given. */
export function resolveExercise(root: string, arg: string): string {
  if (arg.endsWith(".ipynb") && fs.existsSync(arg)) return path.resolve(arg);
  const all = solutionNotebooks(root);
  const base = path.basename(arg, ".ipynb");
  const matches = all.filter((rel) => {
    const name = path.basename(rel, ".ipynb");
    return name === base || name.startsWith(`${base}-`);
  });
  if (matches.length === 1) return path.join(root, matches[0]);
  const known = all.map((rel) => path.basename(rel, ".ipynb")).join(", ");
  if (matches.length === 0) throw new ReleaseError(`no exercise "${arg}" in ${path.join(root, "solutions")} (there are: ${known || "none"})`);
  throw new ReleaseError(`"${arg}" names more than one exercise: ${matches.map((m) => path.basename(m)).join(", ")}`);
}

/** The worked-solution notebook, before it runs: answers kept, hidden tests gone, grading metadata dropped. */
export function workedNotebook(solution: Notebook, file: string): Notebook {
  checkAssignment(solution, file);
  const nb = cloneJson(solution);
  nb.cells = solution.cells.map((cell, k) => {
    const out = cloneJson(cell) as Cell;
    const where = `cell ${k + 1}`;
    const role = cellRole(cell);
    if (role === "solution" && out.cell_type === "code") out.source = stripMarkers(cell.source, where);
    if (role === "test") out.source = removeHidden(cell.source, where);
    delete (out.metadata as Record<string, unknown>).nbgrader; // not an assignment any more: nothing to grade or restore
    if (out.cell_type === "code") {
      out.outputs = [];
      out.execution_count = null;
    }
    return out;
  });
  const note: Cell = {
    cell_type: "markdown",
    id: NOTE_ID,
    metadata: {},
    source:
      "**Worked solution.** The answer cells hold a model solution and every visible test ran on it (outputs below). " +
      "The hidden tests the grader also ran are not included.",
  } as Cell;
  nb.cells.unshift(note);
  return nb;
}

function firstFailure(result: Awaited<ReturnType<typeof runNotebook>>): string | undefined {
  const k = result.cells.findIndex((c) => c.status !== "ok");
  if (k < 0) return undefined;
  const c = result.cells[k];
  // Cell numbers as in the instructor's notebook (the note cell added on top is not counted).
  return `cell ${result.cellIndices[k]} failed: ${c.error ? `${c.error.ename}: ${c.error.evalue.split("\n")[0]}` : c.status}`;
}

export async function releaseWorkedSolutions(root: string, args: string[], outDir: string, opts: { cellTimeoutMs: number }): Promise<WorkedResult[]> {
  if (args.length === 0) throw new ReleaseError("name at least one exercise (e.g. E03)");
  const sources = args.map((a) => resolveExercise(root, a));
  const results: WorkedResult[] = [];
  for (const source of sources) {
    const solution = readNotebookFile(source);
    const nb = workedNotebook(solution, source);
    const target = path.join(outDir, path.basename(source));
    // Run where the instructor's notebook lives, so "nnlab" and relative paths resolve as they do there.
    const run = await runNotebook(nb, { cwd: path.dirname(source), cellTimeoutMs: opts.cellTimeoutMs, allowErrors: false });
    const failure = firstFailure(run);
    if (failure) {
      results.push({ source, target, ok: false, problem: `${failure}; a worked solution must pass its visible tests` });
      continue;
    }
    const text = serializeNotebook(run.notebook);
    const hidden = assignmentSecrets(solution, path.basename(source)).filter((s) => s.kind === "hidden");
    const leaks = findLeaks(searchable(new Map([[path.basename(source), text]])), hidden);
    if (leaks.length > 0) {
      results.push({ source, target, ok: false, problem: `it would contain ${leaks.map((l) => l.what).join("; ")}` });
      continue;
    }
    writeFileAtomic(target, text);
    results.push({ source, target, ok: true });
  }
  return results;
}
