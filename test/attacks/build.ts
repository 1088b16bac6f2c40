// Turns the attack specs into submission files: the student version of the
// assignment with answer cells replaced, cells inserted, JSON mutated, or a
// symbolic link instead of a file.
import fs from "node:fs";
import path from "node:path";
import { Notebook, readNotebookFile, serializeNotebook } from "../../tools/notebook";
import { cellRole, generateStudentVersion, gradeId, stripMarkers } from "../../tools/assignment";
import type { Spec } from "./specs";

export interface Built {
  spec: Spec;
  file: string;
  /** The submission's own text ("" for a link): what it may legitimately print. */
  ownText: string;
}

/** The solution's answer cells without the region markers: a correct submission. */
export function correctAnswers(solution: Notebook): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const cell of solution.cells) {
    const id = gradeId(cell);
    if (id && cellRole(cell) === "solution") answers[id] = stripMarkers(cell.source);
  }
  return answers;
}

function notebookFor(spec: Spec, student: Notebook, correct: Record<string, string>): Notebook | string | Buffer {
  let nb: Notebook = JSON.parse(JSON.stringify(student));
  // Each correct submission differs in its text, so the grader cannot answer it from a cache of earlier conversions.
  const unique = Object.fromEntries(Object.entries(correct).map(([id, src]) => [id, `${src}\n// ${spec.name}`]));
  const answers = spec.kind === "correct" ? unique : spec.answers ?? {};
  for (const cell of nb.cells) {
    const id = gradeId(cell);
    if (id && answers[id] !== undefined) cell.source = answers[id];
  }
  // Cells after the same anchor keep the order they are listed in.
  const placed = new Map<string, number>();
  for (const { after, source } of spec.extra ?? []) {
    const anchor = after === "^" ? -1 : nb.cells.findIndex((c) => gradeId(c) === after);
    if (after !== "^" && anchor < 0) throw new Error(`${spec.name}: no cell ${after}`);
    const at = (placed.get(after) ?? anchor) + 1;
    nb.cells.splice(at, 0, { cell_type: "code", metadata: {}, source, outputs: [], execution_count: null });
    placed.set(after, at);
  }
  return spec.mutate ? spec.mutate(nb) : nb;
}

export function buildSubmissions(specs: Spec[], solutionFile: string, subsDir: string): Built[] {
  const solution = readNotebookFile(solutionFile);
  const student = generateStudentVersion(solution);
  const correct = correctAnswers(solution);
  const names = new Set<string>();
  return specs.map((spec) => {
    if (names.has(spec.name)) throw new Error(`two specs named ${spec.name}`);
    names.add(spec.name);
    const file = path.join(subsDir, `${spec.name}.ipynb`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (spec.symlinkTo) {
      const target = spec.symlinkTo === "RELATIVE-SOLUTION" ? path.relative(path.dirname(file), solutionFile) : spec.symlinkTo;
      fs.symlinkSync(target, file);
      return { spec, file, ownText: "" };
    }
    const nb = notebookFor(spec, student, correct);
    const bytes = typeof nb === "string" || Buffer.isBuffer(nb) ? nb : serializeNotebook(nb);
    fs.writeFileSync(file, bytes);
    // Sources too, unescaped: JSON escapes quotes and newlines in the file itself.
    const sources = typeof nb === "object" && !Buffer.isBuffer(nb) && Array.isArray(nb.cells) ? nb.cells.map((c) => c.source).join("\n") : "";
    return { spec, file, ownText: (Buffer.isBuffer(bytes) ? bytes.toString("latin1") : bytes) + "\n" + sources };
  });
}
