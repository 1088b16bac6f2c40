// Builds student submissions of the fixture exercise for the grading tests.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Cell, CodeCell, Notebook, readNotebookFile, serializeNotebook } from "../../tools/notebook";
import { generateStudentVersion, gradeId } from "../../tools/assignment";

export const FIXTURE_DIR = path.join(__dirname, "..", "fixtures", "assignment");
export const SOLUTION = path.join(FIXTURE_DIR, "solutions", "squares.ipynb");
/** A string that appears only inside the fixture's hidden tests. */
export const HIDDEN_MARKER = "HIDDEN-7f3a";

export const CORRECT = {
  sum_squares: "function sumSquares(xs: number[]): number {\n  let s = 0;\n  for (const x of xs) s += x ** 2;\n  return s;\n}",
  mean_squares: 'function meanSquares(xs: number[]): number {\n  if (xs.length === 0) throw new RangeError("empty");\n  return sumSquares(xs) / xs.length;\n}',
};

export function tmpdir(prefix = "nnlab-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The student version as released, with the given answer cells filled in. */
export function submission(answers: Partial<Record<string, string>> = {}): Notebook {
  const nb = generateStudentVersion(readNotebookFile(SOLUTION));
  for (const cell of nb.cells) {
    const id = gradeId(cell);
    if (id && answers[id] !== undefined) cell.source = answers[id]!;
  }
  return nb;
}

export function codeCell(source: string): CodeCell {
  return { cell_type: "code", metadata: {}, source, outputs: [], execution_count: null };
}

/** Inserts cells right after the cell with this grade_id (or at the start for "^"). */
export function insertAfter(nb: Notebook, id: string, ...cells: Cell[]): Notebook {
  const at = id === "^" ? 0 : nb.cells.findIndex((c) => gradeId(c) === id) + 1;
  if (id !== "^" && at === 0) throw new Error(`no cell ${id}`);
  nb.cells.splice(at, 0, ...cells);
  return nb;
}

export function write(dir: string, name: string, nb: Notebook | string | Buffer): string {
  const file = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(file, typeof nb === "string" || Buffer.isBuffer(nb) ? nb : serializeNotebook(nb));
  return file;
}

/** Every file under dir, as text (for "never contains" checks). */
export function allText(dir: string): string {
  let text = "";
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) text += fs.readFileSync(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name), "utf8");
  }
  return text;
}
