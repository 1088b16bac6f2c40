// What must never reach students, and a search for it: every solution region
// (whole), every line of every hidden-test region that students do not
// already see, and any path into the instructor's solutions folder. Both
// releases check their own output with it before writing anything.
import type * as TS from "@tslab/typescript-for-tslab";
import type { Notebook } from "../notebook";
import { cellRole } from "../assignment/metadata";
import { generateStudentVersion } from "../assignment/generate";
import { splitRegions } from "../assignment/regions";

export interface Secret {
  /** Normalised text: lines trimmed, blank lines dropped. */
  text: string;
  /** Where it comes from, for the message ("E03-gradient-step.ipynb, cell 4, solution region"). */
  what: string;
  kind: "solution" | "hidden";
  /** File name of the instructor notebook it comes from. */
  source: string;
}

export interface Leak {
  file: string;
  what: string;
}

/** Lines trimmed, blank lines dropped: indentation and JSON line splitting must not hide a match. */
export function normalise(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join("\n");
}

/** The statements of a hidden region that decide a verdict: check calls carry the inputs and the expected values. */
function hiddenPieces(code: string): string[] {
  const t = ts();
  const sf = t.createSourceFile("hidden.ts", code, t.ScriptTarget.ES2022, true, t.ScriptKind.TS);
  const pieces: string[] = [];
  for (const st of sf.statements) if (/\bcheck\s*\./.test(st.getText(sf))) pieces.push(normalise(st.getText(sf)));
  return pieces;
}

let tsModule: typeof TS | undefined;
function ts(): typeof TS {
  tsModule ??= require("@tslab/typescript-for-tslab") as typeof TS;
  return tsModule;
}

/** What of one instructor notebook must stay out of anything students receive. */
export function assignmentSecrets(nb: Notebook, name: string): Secret[] {
  const student = normalise(generateStudentVersion(nb, name).cells.map((c) => c.source).join("\n"));
  const secrets: Secret[] = [];
  nb.cells.forEach((cell, k) => {
    const role = cellRole(cell);
    if (cell.cell_type !== "code" || (role !== "solution" && role !== "test")) return;
    for (const seg of splitRegions(cell.source, `cell ${k + 1}`)) {
      const where = `${name}, cell ${k + 1}`;
      const text = normalise(seg.text);
      if (text === "") continue;
      if (seg.kind === "solution") secrets.push({ text, what: `${where}, solution region "${firstLine(text)}"`, kind: "solution", source: name });
      if (seg.kind !== "hidden") continue;
      secrets.push({ text, what: `${where}, hidden tests`, kind: "hidden", source: name });
      // A piece the student version shows anyway (a message repeated in a visible check) is no secret.
      for (const piece of new Set(hiddenPieces(seg.text))) {
        if (!student.includes(piece)) secrets.push({ text: piece, what: `${where}, hidden test "${firstLine(piece)}"`, kind: "hidden", source: name });
      }
    }
  });
  return secrets;
}

function firstLine(s: string): string {
  const line = s.split("\n")[0];
  return line.length > 80 ? line.slice(0, 77) + "..." : line;
}

/** MIME payloads larger than this (inlined plotly.js, base64 images) hold no test or answer text and are not searched. */
const MAX_SEARCHED_OUTPUT = 200_000;

/** The text a file shows a reader: a notebook's metadata, cell sources and outputs; anything else as it is. */
export function readableText(file: string, content: string): string {
  if (!file.endsWith(".ipynb")) return content;
  try {
    type Out = { text?: string | string[]; data?: Record<string, unknown>; traceback?: string[]; evalue?: string };
    const nb = JSON.parse(content) as { metadata?: unknown; cells?: { source?: string | string[]; metadata?: unknown; outputs?: Out[] }[] };
    const join = (s: unknown) => (Array.isArray(s) ? s.join("") : typeof s === "string" ? s : JSON.stringify(s ?? ""));
    const parts: string[] = [JSON.stringify(nb.metadata ?? {})];
    for (const c of nb.cells ?? []) {
      parts.push(join(c.source), JSON.stringify(c.metadata ?? {}));
      for (const o of c.outputs ?? []) {
        parts.push(join(o.text ?? ""), join(o.traceback ?? []), o.evalue ?? "");
        for (const v of Object.values(o.data ?? {})) {
          const text = join(v);
          if (text.length <= MAX_SEARCHED_OUTPUT) parts.push(text);
        }
      }
    }
    return parts.join("\n");
  } catch {
    return content;
  }
}

/** A path into the instructor's folder, in any spelling a file could carry. */
const SOLUTIONS_PATH = /(^|[^A-Za-z0-9_-])solutions[/\\]/;

/** Files as the search sees them (path → normalised readable text): compute once, search many times. */
export function searchable(files: Map<string, string>): Map<string, string> {
  return new Map([...files].map(([f, content]) => [f, normalise(readableText(f, content))]));
}

/** Every secret (and every solutions/ path) found in the files (path → text from searchable()). */
export function findLeaks(files: Map<string, string>, secrets: Secret[]): Leak[] {
  const leaks: Leak[] = [];
  for (const [file, text] of files) {
    if (SOLUTIONS_PATH.test(file)) leaks.push({ file, what: "a file from the solutions folder" });
    if (SOLUTIONS_PATH.test(text)) leaks.push({ file, what: 'a path into "solutions/"' });
    for (const s of secrets) if (text.includes(s.text)) leaks.push({ file, what: s.what });
  }
  return leaks;
}
