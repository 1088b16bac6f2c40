// Cell roles in an assignment notebook, read from nbgrader's cell metadata
// (schema version 3) so the same notebook also works with nbgrader:
//
//   metadata.nbgrader = { grade, grade_id, locked, points, schema_version: 3,
//                         solution, task?, checksum?, cell_type? }
//
//   solution: true, grade: false  → an answer cell the student edits
//   grade: true, solution: false  → a test cell ("autograder tests"), worth `points`
//   locked: true (neither)        → instructor code the student must not change
//   no nbgrader metadata          → an ordinary cell (prose, scratch work)
//
// A cell that is both graded and a solution is nbgrader's "autograded answer"
// for manual grading; nnlab cannot grade those automatically and says so.
import type { Cell, Notebook } from "../notebook";

export const NBGRADER_SCHEMA_VERSION = 3;

export interface NbgraderMetadata {
  grade?: boolean;
  grade_id?: string;
  locked?: boolean;
  points?: number;
  schema_version?: number;
  solution?: boolean;
  task?: boolean;
  checksum?: string;
  cell_type?: string;
  [key: string]: unknown;
}

export type CellRole = "solution" | "test" | "locked" | "manual" | "task" | "plain";

/** The cell's nbgrader metadata, or undefined when the cell has none. */
export function nbgraderMeta(cell: Cell): NbgraderMetadata | undefined {
  const m = cell.metadata?.nbgrader;
  return m && typeof m === "object" && !Array.isArray(m) ? (m as NbgraderMetadata) : undefined;
}

const truthy = (v: unknown) => v === true;

export function isGrade(cell: Cell): boolean {
  return truthy(nbgraderMeta(cell)?.grade);
}

export function isSolution(cell: Cell): boolean {
  return truthy(nbgraderMeta(cell)?.solution);
}

/** Same rule as nbgrader's utils.is_locked: graded non-solution cells are always locked. */
export function isLocked(cell: Cell): boolean {
  const m = nbgraderMeta(cell);
  if (!m) return false;
  if (truthy(m.solution)) return false;
  if (truthy(m.grade)) return true;
  return truthy(m.locked);
}

export function cellRole(cell: Cell): CellRole {
  const m = nbgraderMeta(cell);
  if (!m) return "plain";
  if (truthy(m.task)) return "task";
  if (truthy(m.grade) && truthy(m.solution)) return "manual";
  if (truthy(m.solution)) return "solution";
  if (truthy(m.grade)) return "test";
  if (truthy(m.locked)) return "locked";
  return "plain";
}

export function gradeId(cell: Cell): string | undefined {
  const id = nbgraderMeta(cell)?.grade_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** Points of a graded cell (numbers may be stored as 2 or 2.0; both mean 2). */
export function cellPoints(cell: Cell): number {
  const p = Number(nbgraderMeta(cell)?.points ?? 0);
  return Number.isFinite(p) && p > 0 ? p : 0;
}

/** Test cells in notebook order: what a grade is made of. */
export function testCells(nb: Notebook): { index: number; cell: Cell; gradeId: string; points: number }[] {
  const out: { index: number; cell: Cell; gradeId: string; points: number }[] = [];
  nb.cells.forEach((cell, index) => {
    if (cellRole(cell) === "test") out.push({ index, cell, gradeId: gradeId(cell) ?? `cell-${index + 1}`, points: cellPoints(cell) });
  });
  return out;
}

export function maxScore(nb: Notebook): number {
  return testCells(nb).reduce((s, t) => s + t.points, 0);
}

/**
 * Problems that make a notebook unusable as an assignment source, as
 * one-line messages (empty = fine): missing or duplicate grade_ids, test
 * cells that are not code, graded cells without points.
 */
export function assignmentProblems(nb: Notebook): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  nb.cells.forEach((cell, k) => {
    const m = nbgraderMeta(cell);
    if (!m) return;
    const where = `cell ${k + 1}`;
    const role = cellRole(cell);
    if (role === "plain") return;
    const id = gradeId(cell);
    if (!id) problems.push(`${where}: nbgrader cell without a grade_id`);
    else if (seen.has(id)) problems.push(`${where}: grade_id "${id}" is also used by cell ${seen.get(id)! + 1}`);
    else seen.set(id, k);
    if (role === "test" && cell.cell_type !== "code") problems.push(`${where}: test cell "${id}" must be a code cell`);
    if (role === "test" && cellPoints(cell) <= 0) problems.push(`${where}: test cell "${id}" has no points`);
  });
  return problems;
}
