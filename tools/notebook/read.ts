// Reading .ipynb files: bytes → checked, normalised Notebook, or a NotebookError
// that says in one line what is wrong and what to do about it.
import fs from "node:fs";
import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { JsonSyntaxError, parsePyJson } from "./pyjson";
import { Cell, Notebook, NotebookError } from "./types";

/** Reads and parses a notebook file. Throws NotebookError (never a raw fs/JSON error). */
export function readNotebookFile(file: string): Notebook {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "is a directory, not a notebook file" : err.message;
    throw new NotebookError("NOT_FOUND", why, file);
  }
  return parseNotebook(bytes, file);
}

/**
 * Parses notebook text or bytes as Jupyter would, then normalises it:
 * multi-line lists joined, transient fields dropped, missing cell ids added
 * (nbformat 4.5). `file` only labels error messages.
 */
export function parseNotebook(input: string | Uint8Array, file?: string): Notebook {
  let text: string;
  if (typeof input === "string") text = input;
  else {
    const bad = firstInvalidUtf8(input);
    if (bad >= 0) {
      const line = countLines(input, bad);
      throw new NotebookError(
        "NOT_UTF8",
        `is not UTF-8 text (invalid byte 0x${input[bad].toString(16).padStart(2, "0")} at offset ${bad}, line ${line}); save it as UTF-8`,
        file,
      );
    }
    text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString("utf8");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark is harmless; drop it
  if (text.trim() === "") throw new NotebookError("EMPTY", "is empty (0 bytes of JSON); it is not a notebook", file);

  let raw: unknown;
  try {
    raw = parsePyJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      throw new NotebookError("INVALID_JSON", `is not valid JSON: ${e.reason} at line ${e.line}, column ${e.column}`, file);
    }
    throw e;
  }
  return toNotebook(raw, file);
}

function toNotebook(raw: unknown, file?: string): Notebook {
  const notANotebook = (why: string): never => {
    throw new NotebookError("NOT_A_NOTEBOOK", `is not a Jupyter notebook: ${why}`, file);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    notANotebook(`the JSON is ${Array.isArray(raw) ? "an array" : raw === null ? "null" : typeof raw}, not an object`);
  }
  const nb = raw as Record<string, unknown>;
  const major = Number(nb.nbformat);
  if (major === 3 || (nb.nbformat === undefined && "worksheets" in nb)) {
    throw new NotebookError(
      "NBFORMAT_3",
      "is an nbformat 3 notebook; convert it with jupyter nbconvert --to notebook --nbformat 4",
      file,
    );
  }
  if (nb.nbformat === undefined) notANotebook('it has no "nbformat" field');
  if (major !== 4) {
    throw new NotebookError("UNSUPPORTED_VERSION", `has nbformat ${String(nb.nbformat)}; only nbformat 4 is supported`, file);
  }
  if (!Number.isInteger(Number(nb.nbformat_minor))) notANotebook('it has no integer "nbformat_minor"');
  if (!Array.isArray(nb.cells)) notANotebook('"cells" is not a list');
  if (nb.metadata === undefined) nb.metadata = {};
  if (!isObject(nb.metadata)) notANotebook('"metadata" is not an object');

  (nb.cells as unknown[]).forEach((c, k) => normaliseCell(c, k, notANotebook));
  stripTransient(nb as unknown as Notebook);
  addCellIds(nb as unknown as Notebook);
  return nb as unknown as Notebook;
}

function normaliseCell(c: unknown, k: number, fail: (why: string) => never): void {
  const where = `cell ${k + 1}`;
  if (!isObject(c)) fail(`${where} is not an object`);
  const cell = c as Record<string, unknown>;
  if (typeof cell.cell_type !== "string") fail(`${where} has no "cell_type"`);
  cell.source = joinLines(cell.source ?? "", () => fail(`${where}: "source" must be text or a list of lines`));
  if (cell.metadata === undefined) cell.metadata = {};
  if (!isObject(cell.metadata)) fail(`${where}: "metadata" is not an object`);
  if (isObject(cell.attachments)) {
    for (const bundle of Object.values(cell.attachments as Record<string, unknown>)) {
      if (isObject(bundle)) joinMimeBundle(bundle as Record<string, unknown>);
    }
  }
  if (cell.cell_type !== "code") return;
  if (cell.outputs === undefined) cell.outputs = [];
  if (!Array.isArray(cell.outputs)) fail(`${where}: "outputs" is not a list`);
  if (cell.execution_count === undefined) cell.execution_count = null;
  for (const o of cell.outputs as unknown[]) {
    if (!isObject(o)) fail(`${where}: an output is not an object`);
    const out = o as Record<string, unknown>;
    if (out.output_type === "execute_result" || out.output_type === "display_data") {
      if (isObject(out.data)) joinMimeBundle(out.data as Record<string, unknown>);
    } else if (out.output_type && Array.isArray(out.text)) {
      out.text = joinLines(out.text, () => fail(`${where}: stream text must be a list of strings`));
    }
  }
}

/** Same as nbformat's rejoin: lists of strings become one string, JSON mime types are left alone. */
function joinMimeBundle(data: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(data)) {
    if (!isJsonMime(key) && Array.isArray(value) && value.every((l) => typeof l === "string")) {
      data[key] = value.join("");
    }
  }
}

export function isJsonMime(mime: string): boolean {
  return mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
}

function joinLines(v: unknown, fail: () => never): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((l) => typeof l === "string")) return v.join("");
  return fail();
}

/** Fields Jupyter never stores (nbformat strips them on read and write). */
export function stripTransient(nb: Notebook): void {
  delete nb.metadata.orig_nbformat;
  delete nb.metadata.orig_nbformat_minor;
  delete nb.metadata.signature;
  for (const cell of nb.cells) delete cell.metadata.trusted;
}

/**
 * nbformat 4.5 gives every cell an id. Missing or duplicate ids are filled
 * in, and the minor version raised to 5. Ids are derived from the cell's
 * position and text (not random) so reading the same file twice gives the
 * same ids and generated files stay stable.
 */
export function addCellIds(nb: Notebook): boolean {
  const seen = new Set<string>();
  const taken = new Set(nb.cells.map((c) => c.id).filter((id): id is string => typeof id === "string"));
  let changed = false;
  nb.cells.forEach((cell: Cell, k) => {
    if (typeof cell.id === "string" && cell.id !== "" && !seen.has(cell.id)) {
      seen.add(cell.id);
      return;
    }
    for (let attempt = 0; ; attempt++) {
      const id = createHash("sha1").update(`${k}\0${attempt}\0${cell.cell_type}\0${cell.source}`).digest("hex").slice(0, 8);
      if (!taken.has(id)) {
        cell.id = id;
        seen.add(id);
        taken.add(id);
        break;
      }
    }
    changed = true;
  });
  if ((changed || nb.cells.length > 0) && nb.nbformat_minor < 5) {
    nb.nbformat_minor = 5;
    changed = true;
  }
  return changed;
}

function isObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Offset of the first byte that breaks UTF-8, or -1 (overlongs and surrogates count as broken, as in Python). */
export function firstInvalidUtf8(b: Uint8Array): number {
  if (isUtf8(b)) return -1;
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) (n = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (n = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (n = 3), (min = 0x10000);
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

function countLines(b: Uint8Array, upTo: number): number {
  let line = 1;
  for (let k = 0; k < upTo; k++) if (b[k] === 0x0a) line++;
  return line;
}
