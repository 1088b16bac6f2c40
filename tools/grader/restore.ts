// Step 1 of grading: put the instructor's cells back.
//
// The gradable notebook follows the instructor's notebook: every locked and
// test cell comes from the assignment (matched by grade_id, whatever the
// student did to it), every answer cell from the submission. Cells the
// student added (scratch work, helpers) are kept after the assignment cell
// they followed. Edited, deleted, re-typed or duplicated instructor cells are
// restored and reported as tampering; missing or unknown grade_ids as notes.
import type { Cell, CodeCell, Notebook } from "../notebook";
import { cloneJson } from "../notebook";
import { cellRole, gradeId, nbgraderMeta } from "../assignment/metadata";
import { studentCell } from "../assignment/generate";

export interface Restored {
  notebook: Notebook;
  /** Changes to locked or test cells that were undone (they change no score). */
  tampering: string[];
  /** Other things worth knowing: missing answers, unknown grade_ids. */
  notes: string[];
}

const normalise = (s: string) =>
  s
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .trim();

function codeCell(source: string, metadata: Record<string, unknown>, id?: string): CodeCell {
  return { cell_type: "code", ...(id ? { id } : {}), metadata, source, outputs: [], execution_count: null };
}

/** Instructor cell roles that come from the assignment, not from the student. */
const FROM_ASSIGNMENT = new Set(["test", "locked", "task"]);

export function restoreSubmission(assignment: Notebook, submission: Notebook): Restored {
  const tampering: string[] = [];
  const notes: string[] = [];
  // grade_id → instructor cell index (only cells with a role).
  const known = new Map<string, number>();
  assignment.cells.forEach((cell, j) => {
    const id = gradeId(cell);
    if (id && cellRole(cell) !== "plain") known.set(id, j);
  });

  // The submission's cells, by grade_id (first occurrence) and the extras after each known cell.
  const byId = new Map<string, Cell>();
  const extras = new Map<number, Cell[]>();
  let anchor = -1;
  const unmatchedAnswers: Cell[] = [];
  submission.cells.forEach((cell, k) => {
    const id = gradeId(cell);
    const j = id === undefined ? undefined : known.get(id);
    if (j === undefined) {
      const meta = nbgraderMeta(cell);
      const extra = cloneJson(cell);
      if (meta && id !== undefined) {
        notes.push(`cell ${k + 1} has an unknown grade_id "${id}"; it runs as an ordinary cell`);
        if (meta.solution === true && cell.cell_type === "code") unmatchedAnswers.push(extra);
      }
      delete extra.metadata.nbgrader;
      if (!extras.has(anchor)) extras.set(anchor, []);
      extras.get(anchor)!.push(extra);
      return;
    }
    if (byId.has(id!)) {
      const role = cellRole(assignment.cells[j]);
      if (FROM_ASSIGNMENT.has(role)) tampering.push(`${roleName(role)} "${id}" appears more than once; the copy in cell ${k + 1} was removed`);
      else notes.push(`answer cell "${id}" appears more than once; only the first copy is used (cell ${k + 1} ignored)`);
      return;
    }
    byId.set(id!, cell);
    anchor = j;
  });

  const cells: Cell[] = [...(extras.get(-1) ?? [])];
  assignment.cells.forEach((instructor, j) => {
    const id = gradeId(instructor);
    const role = cellRole(instructor);
    if (id !== undefined && known.get(id) === j) {
      const theirs = byId.get(id);
      if (FROM_ASSIGNMENT.has(role)) {
        const expected = studentCell(instructor, `cell ${j + 1}`);
        const name = `${roleName(role)} "${id}"`;
        if (!theirs) tampering.push(`${name} was deleted (restored)`);
        else if (theirs.cell_type !== instructor.cell_type) tampering.push(`${name} was changed to a ${theirs.cell_type} cell (restored)`);
        else if (normalise(theirs.source) !== normalise(expected.source)) tampering.push(`${name} was edited (restored)`);
        cells.push(cloneJson(instructor));
      } else if (role === "solution" || role === "manual") {
        let answer = theirs;
        if (!answer && unmatchedAnswers.length > 0) {
          notes.push(`answer cell "${id}" is missing; an answer cell with another grade_id was found and is graded instead`);
          answer = unmatchedAnswers.shift();
        } else if (!answer) {
          notes.push(`answer cell "${id}" is missing from the submission`);
        }
        if (answer && !(answer === theirs)) {
          // Already placed among the extras; it runs there.
        } else if (answer) {
          const meta = cloneJson(instructor.metadata);
          if (answer.cell_type !== instructor.cell_type) notes.push(`answer cell "${id}" was changed to a ${answer.cell_type} cell; graded as ${instructor.cell_type}`);
          cells.push(
            instructor.cell_type === "code"
              ? codeCell(answer.source, meta, typeof answer.id === "string" ? answer.id : instructor.id)
              : { ...cloneJson(instructor), source: answer.source },
          );
        }
      } else {
        cells.push(cloneJson(instructor));
      }
    }
    cells.push(...(extras.get(j) ?? []));
  });

  for (const c of cells) {
    if (c.cell_type === "code") {
      c.outputs = [];
      c.execution_count = null;
    }
  }
  const notebook: Notebook = { ...cloneJson(assignment), cells };
  return { notebook, tampering, notes };
}

function roleName(role: string): string {
  return role === "test" ? "test cell" : role === "task" ? "task cell" : "locked cell";
}
