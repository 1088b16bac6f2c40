// Writing notebooks byte-for-byte as Jupyter (Python nbformat) does:
// multi-line strings split into lists of lines, transient fields dropped,
// keys sorted, 1-space indent, non-ASCII kept, one trailing newline.
import fs from "node:fs";
import path from "node:path";
import writeFileAtomicPackage from "write-file-atomic";
import { pySplitLines, stringifyPyJson } from "./pyjson";
import { isJsonMime, stripTransient } from "./read";
import { MimeBundle, Notebook } from "./types";

/** The exact text Jupyter would save for this notebook. The notebook itself is not modified. */
export function serializeNotebook(nb: Notebook): string {
  const copy = cloneJson(nb) as Notebook;
  stripTransient(copy);
  const disk = copy as unknown as { cells: Record<string, unknown>[] };
  for (const cell of disk.cells) {
    if (typeof cell.source === "string") cell.source = pySplitLines(cell.source);
    const attachments = cell.attachments as Record<string, MimeBundle> | undefined;
    if (attachments && typeof attachments === "object") Object.values(attachments).forEach(splitMimeBundle);
    if (cell.cell_type !== "code" || !Array.isArray(cell.outputs)) continue;
    for (const out of cell.outputs as Record<string, unknown>[]) {
      if (out.output_type === "execute_result" || out.output_type === "display_data") {
        if (out.data && typeof out.data === "object") splitMimeBundle(out.data as MimeBundle);
      } else if (out.output_type === "stream" && typeof out.text === "string") {
        out.text = pySplitLines(out.text);
      }
    }
  }
  return stringifyPyJson(copy) + "\n";
}

/** Text mime types (and JavaScript, SVG) are stored as lists of lines; JSON mime types are not. */
function splitMimeBundle(data: MimeBundle): void {
  if (!data || typeof data !== "object") return;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === "string" && !isJsonMime(key) && (key.startsWith("text/") || key === "application/javascript" || key === "image/svg+xml")) {
      data[key] = pySplitLines(value);
    }
  }
}

/** Writes atomically (temp file + rename), so a crash never leaves half a notebook. */
export function writeNotebookFile(file: string, nb: Notebook): void {
  writeFileAtomic(file, serializeNotebook(nb));
}

/**
 * Writes `text` to a temporary file beside `file`, flushes it to disk and renames
 * it over `file` (npm's write-file-atomic), creating the folder first: readers
 * see the old file or the new one, never half of it, even after a crash.
 */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomicPackage.sync(file, text, { encoding: "utf8" });
}

/** Deep copy of JSON-like data that keeps RawNumber and other class instances by reference (they are immutable). */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as unknown as T;
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      Object.defineProperty(out, k, { value: cloneJson(x), writable: true, enumerable: true, configurable: true });
    }
    return out as T;
  }
  return v;
}
