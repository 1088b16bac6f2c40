// `check`: the small assertion helper used in test cells.
//
//   import { check } from "nnlab";
//   check.equal(sumSquares([1, 2, 3]), 14);
//   check.close(mean([0.1, 0.2]), 0.15, 1e-12);
//   check.throws(() => sumSquares(null as any), /array/);
//   check.partial({                       // partial credit: the cell earns
//     "empty list": () => check.equal(sumSquares([]), 0),   // points × (parts passed / parts)
//     "negatives": () => check.equal(sumSquares([-2]), 4),
//   });
//
// A failed check throws a CheckError, so the test cell ends with an error and
// earns nothing (nbgrader's rule). The grader builds its own instances with
// `createCheck`, and this module's messages (errorText) are also written
// inside the student's kernel, so everything below uses built-ins captured
// before any student code ran (./captured-builtins: a student who replaces
// Object.is or Math.abs later cannot change what a check decides) and never
// calls a method on a prototype a student could patch.

import { builtins } from "./captured-builtins";

const {
  ObjectIs,
  ObjectKeys,
  ObjectGetPrototypeOf,
  ObjectPrototype,
  ObjectFreeze,
  ArrayIsArray,
  ArrayBufferIsView,
  DataViewCtor,
  MathAbs,
  MathMax,
  NumberIsFinite,
  NumberIsNaN,
  ReflectApply,
  StringCtor,
  JSONStringify,
  ErrorCtor,
  RegExpCtor,
  RegExpTest,
  MapCtor,
  SetCtor,
  ErrorCaptureStackTrace,
} = builtins;

/** Thrown by a failed check; its message says what was expected and what came out. */
export class CheckError extends ErrorCtor {
  constructor(message: string) {
    super(message);
    this.name = "CheckError";
  }
}

/** What one check.partial(...) call found. */
export interface PartialResult {
  passed: number;
  total: number;
  /** One entry per part, in order. */
  parts: { name: string; ok: boolean; message?: string }[];
}

export interface Check {
  /** Deep equality: numbers by value (NaN equals NaN), arrays, typed arrays, plain objects, Maps, Sets. */
  equal(actual: unknown, expected: unknown, message?: string): void;
  /** Numbers (or arrays / matrices of numbers) equal within `tol` (absolute, or relative for large values). */
  close(actual: unknown, expected: unknown, tol?: number, message?: string): void;
  /** A condition that must be true. */
  ok(condition: unknown, message?: string): void;
  /** `fn()` must throw; optionally the error must match a RegExp, contain a string, or be an instance of a class. */
  throws(fn: () => unknown, expected?: RegExp | string | (new (...args: never[]) => unknown), message?: string): void;
  /** Runs each named part; the cell earns its points × (parts passed / parts). Returns that fraction. */
  partial(parts: Record<string, () => unknown>): number;
}

export interface CheckOptions {
  /** Called after every check.partial with what it found (the grader records it). */
  onPartial?: (result: PartialResult) => void;
  /** Where check.partial reports each part; defaults to console.log. */
  print?: (line: string) => void;
}

function fail(message: string | undefined, detail: string): never {
  const err = new CheckError(message ? `${message}: ${detail}` : detail);
  // Drop the helper's own frames so the trace points at the test line.
  if (ErrorCaptureStackTrace) ErrorCaptureStackTrace(err, fail);
  throw err;
}

/** A short, safe description of a value for error messages (no user toString is called). */
export function describe(value: unknown, depth = 0): string {
  if (typeof value === "string") return JSONStringify(value.length > 80 ? value.slice(0, 77) + "..." : value);
  if (typeof value === "number") return ObjectIs(value, -0) ? "-0" : StringCtor(value);
  if (typeof value === "bigint") return StringCtor(value) + "n";
  if (value === null || value === undefined || typeof value === "boolean") return StringCtor(value);
  if (typeof value === "function") return "[function]";
  if (typeof value === "symbol") return "[symbol]";
  if (depth > 2) return "[…]";
  if (ArrayIsArray(value) || ArrayBufferIsView(value)) {
    const a = value as ArrayLike<unknown>;
    let s = "";
    const n = a.length;
    for (let i = 0; i < n && i < 8; i++) s += (i ? ", " : "") + describe(a[i], depth + 1);
    return "[" + s + (n > 8 ? `, … (${n} items)` : "") + "]";
  }
  const rec = value as Record<string, unknown>;
  if (isMatrixLike(rec)) return `${rec.rows}×${rec.cols} matrix ${describe(rec.data, depth + 1)}`;
  const keys = ObjectKeys(rec);
  let s = "";
  for (let i = 0; i < keys.length && i < 6; i++) s += (i ? ", " : "") + keys[i] + ": " + describe(rec[keys[i]], depth + 1);
  return "{" + s + (keys.length > 6 ? ", …" : "") + "}";
}

/** A Matrix, or anything shaped like one: numeric rows and cols and a typed array of entries (the grader encodes these as matrices too). */
export function isMatrixLike(v: Record<string, unknown>): v is { rows: number; cols: number; data: ArrayLike<number> } {
  return typeof v.rows === "number" && typeof v.cols === "number" && ArrayBufferIsView(v.data) && !(v.data instanceof DataViewCtor);
}

/** "6×1": a shape for messages. */
const shapeText = (rows: number, cols: number) => `${rows}×${cols}`;

/** Where entry (i, j) of a matrix at `path` is, for messages: "entry (1, 0)", or "[2] entry (1, 0)" inside a list. */
const entryAt = (path: string, i: number, j: number) => `${path ? path + " " : ""}entry (${i}, ${j})`;

/** The first place where `a` and `b` differ, or undefined when they are deeply equal. */
function difference(a: unknown, b: unknown, path: string, depth: number): string | undefined {
  if (typeof b !== "object" || b === null || typeof a !== "object" || a === null) {
    if (a === b || (typeof a === "number" && typeof b === "number" && NumberIsNaN(a) && NumberIsNaN(b))) return undefined;
    return `${path || "value"} is ${describe(a)}, expected ${describe(b)}`;
  }
  if (depth > 64) return `${path} is nested too deeply to compare`;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  if (isMatrixLike(ra) && isMatrixLike(rb)) {
    // Two matrices: the shape first, then entries by (row, column) rather than by flat index.
    if (ra.rows !== rb.rows || ra.cols !== rb.cols) return `${path || "value"} is ${shapeText(ra.rows, ra.cols)}, expected ${shapeText(rb.rows, rb.cols)}`;
    for (let k = 0; k < rb.data.length; k++) {
      const x = ra.data[k];
      const y = rb.data[k];
      if (!(x === y || (NumberIsNaN(x) && NumberIsNaN(y)))) return `${entryAt(path, (k - (k % rb.cols)) / rb.cols, k % rb.cols)} is ${describe(x)}, expected ${describe(y)}`;
    }
    return undefined;
  }
  const at = (k: string | number) => (typeof k === "number" ? `${path}[${k}]` : path ? `${path}.${k}` : k);
  const listA = ArrayIsArray(a) || ArrayBufferIsView(a);
  const listB = ArrayIsArray(b) || ArrayBufferIsView(b);
  if (listA !== listB) return `${path || "value"} is ${describe(a)}, expected ${describe(b)}`;
  if (listA) {
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (x.length !== y.length) return `${path || "value"} has length ${x.length}, expected ${y.length}`;
    for (let i = 0; i < y.length; i++) {
      const d = difference(x[i], y[i], at(i), depth + 1);
      if (d) return d;
    }
    return undefined;
  }
  if (a instanceof MapCtor || b instanceof MapCtor) {
    if (!(a instanceof MapCtor && b instanceof MapCtor)) return `${path || "value"} is ${describe(a)}, expected a Map`;
    if (a.size !== b.size) return `${path || "value"} has ${a.size} entries, expected ${b.size}`;
    for (const [k, v] of b) {
      if (!a.has(k)) return `${path || "value"} is missing key ${describe(k)}`;
      const d = difference(a.get(k), v, `${path}.get(${describe(k)})`, depth + 1);
      if (d) return d;
    }
    return undefined;
  }
  if (a instanceof SetCtor || b instanceof SetCtor) {
    if (!(a instanceof SetCtor && b instanceof SetCtor)) return `${path || "value"} is ${describe(a)}, expected a Set`;
    if (a.size !== b.size) return `${path || "value"} has ${a.size} items, expected ${b.size}`;
    for (const v of b) if (!a.has(v)) return `${path || "value"} is missing ${describe(v)}`;
    return undefined;
  }
  const ka = ObjectKeys(a);
  const kb = ObjectKeys(b);
  for (let i = 0; i < kb.length; i++) {
    let found = false;
    for (let j = 0; j < ka.length; j++) if (ka[j] === kb[i]) found = true;
    if (!found) return `${path || "value"} has no property "${kb[i]}"`;
  }
  if (ka.length !== kb.length) {
    for (let j = 0; j < ka.length; j++) {
      let found = false;
      for (let i = 0; i < kb.length; i++) if (ka[j] === kb[i]) found = true;
      if (!found) return `${path || "value"} has an unexpected property "${ka[j]}"`;
    }
  }
  for (let i = 0; i < kb.length; i++) {
    const d = difference((a as Record<string, unknown>)[kb[i]], (b as Record<string, unknown>)[kb[i]], at(kb[i]), depth + 1);
    if (d) return d;
  }
  return undefined;
}

/**
 * The numbers of a scalar, (nested) array, typed array or matrix, in order,
 * with where each one sits (for messages) and every 2-D block met on the way
 * (a matrix, or an array of equally long rows of numbers), so shapes can be compared.
 */
interface Flat {
  nums: number[];
  where: string[];
  blocks: { path: string; rows: number; cols: number }[];
}

/** A non-empty array of equally long arrays of numbers: a matrix written as rows. */
function gridCols(v: ArrayLike<unknown>): number | undefined {
  if (v.length === 0) return undefined;
  let cols = -1;
  for (let i = 0; i < v.length; i++) {
    const row = v[i];
    if (!(ArrayIsArray(row) || (ArrayBufferIsView(row) && !(row instanceof DataViewCtor)))) return undefined;
    const r = row as ArrayLike<unknown>;
    if (cols === -1) cols = r.length;
    else if (r.length !== cols) return undefined;
    for (let j = 0; j < r.length; j++) if (typeof r[j] !== "number") return undefined;
  }
  return cols;
}

function flatten(v: unknown, what: string, flat: Flat, path: string, depth: number): void {
  if (typeof v === "number") {
    flat.nums[flat.nums.length] = v;
    flat.where[flat.where.length] = path ? `entry ${path}` : "value";
    return;
  }
  if (depth > 64) fail(undefined, `${what} is nested too deeply to compare`);
  if (typeof v === "object" && v !== null && isMatrixLike(v as Record<string, unknown>)) {
    const m = v as { rows: number; cols: number; data: ArrayLike<number> };
    flat.blocks[flat.blocks.length] = { path, rows: m.rows, cols: m.cols };
    for (let k = 0; k < m.data.length; k++) {
      flat.nums[flat.nums.length] = m.data[k];
      flat.where[flat.where.length] = m.cols > 0 ? entryAt(path, (k - (k % m.cols)) / m.cols, k % m.cols) : `entry ${path}[${k}]`;
    }
    return;
  }
  if (ArrayIsArray(v) || ArrayBufferIsView(v)) {
    const a = v as ArrayLike<unknown>;
    const cols = gridCols(a);
    if (cols !== undefined) {
      flat.blocks[flat.blocks.length] = { path, rows: a.length, cols };
      for (let i = 0; i < a.length; i++) {
        const row = a[i] as ArrayLike<number>;
        for (let j = 0; j < cols; j++) {
          flat.nums[flat.nums.length] = row[j];
          flat.where[flat.where.length] = entryAt(path, i, j);
        }
      }
      return;
    }
    for (let i = 0; i < a.length; i++) flatten(a[i], what, flat, `${path}[${i}]`, depth + 1);
    return;
  }
  fail(undefined, `${what} is ${describe(v)}, not a number, array of numbers or matrix`);
}

/** " (6×1)" when the value is one matrix, else nothing. */
function shapeNote(f: Flat): string {
  return f.blocks.length === 1 && f.blocks[0].path === "" ? ` (${shapeText(f.blocks[0].rows, f.blocks[0].cols)})` : "";
}

export function createCheck(options: CheckOptions = {}): Check {
  const print = options.print ?? ((line: string) => console.log(line));
  const onPartial = options.onPartial;

  const check: Check = {
    equal(actual, expected, message) {
      const d = difference(actual, expected, "", 0);
      if (d !== undefined) fail(message, d);
    },

    close(actual, expected, tol = 1e-6, message) {
      if (typeof tol !== "number" || !(tol >= 0)) fail(message, `tolerance must be a number ≥ 0, got ${describe(tol)}`);
      const a: Flat = { nums: [], where: [], blocks: [] };
      const b: Flat = { nums: [], where: [], blocks: [] };
      flatten(actual, "actual value", a, "", 0);
      flatten(expected, "expected value", b, "", 0);
      // Shapes are compared where both sides have a 2-D block at the same place (a 6×1 column is not a 1×6 row);
      // a flat list against a matrix is compared by its numbers only.
      if (a.blocks.length === b.blocks.length) {
        for (let k = 0; k < b.blocks.length; k++) {
          const x = a.blocks[k];
          const y = b.blocks[k];
          if (x.path === y.path && (x.rows !== y.rows || x.cols !== y.cols)) fail(message, `${y.path || "value"} is ${shapeText(x.rows, x.cols)}, expected ${shapeText(y.rows, y.cols)}`);
        }
      }
      if (a.nums.length !== b.nums.length) fail(message, `got ${a.nums.length} numbers${shapeNote(a)}, expected ${b.nums.length}${shapeNote(b)}`);
      for (let i = 0; i < b.nums.length; i++) {
        const x = a.nums[i];
        const y = b.nums[i];
        if (NumberIsNaN(y) && NumberIsNaN(x)) continue;
        if (!NumberIsFinite(y) && x === y) continue;
        const err = MathAbs(x - y);
        // Absolute tolerance near zero, relative tolerance for large numbers.
        if (!(err <= tol * MathMax(1, MathAbs(y)))) {
          fail(message, `${b.where[i]} is ${describe(x)}, expected ${describe(y)} (difference ${describe(err)} > tolerance ${describe(tol)})`);
        }
      }
    },

    ok(condition, message) {
      if (!condition) fail(message, `expected a true condition, got ${describe(condition)}`);
    },

    throws(fn, expected, message) {
      if (typeof fn !== "function") fail(message, "check.throws needs a function to call");
      let thrown = false;
      let error: unknown;
      try {
        ReflectApply(fn, undefined, []);
      } catch (e) {
        thrown = true;
        error = e;
      }
      if (!thrown) fail(message, "expected an error to be thrown, but the call returned normally");
      if (expected === undefined) return;
      const text = errorText(error);
      if (typeof expected === "string") {
        if (!includes(text, expected)) fail(message, `expected an error containing ${describe(expected)}, got ${describe(text)}`);
      } else if (expected instanceof RegExpCtor) {
        if (!ReflectApply(RegExpTest, expected, [text])) fail(message, `expected an error matching ${StringCtor(expected)}, got ${describe(text)}`);
      } else if (typeof expected === "function") {
        if (!(error instanceof expected)) fail(message, `expected ${expected.name ? "a " + expected.name : "an error of a specific class"}, got ${describe(text)}`);
      }
    },

    partial(parts) {
      if (typeof parts !== "object" || parts === null) fail(undefined, "check.partial needs an object of named parts");
      const names = ObjectKeys(parts);
      const result: PartialResult = { passed: 0, total: names.length, parts: [] };
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        const part = parts[name];
        let ok = true;
        let why: string | undefined;
        try {
          if (typeof part !== "function") throw new CheckError("not a function");
          const ret = ReflectApply(part, undefined, []);
          if (ret && typeof (ret as { then?: unknown }).then === "function") {
            throw new CheckError("async parts are not supported; await the value before check.partial");
          }
        } catch (e) {
          ok = false;
          why = errorText(e);
        }
        if (ok) result.passed++;
        result.parts[result.parts.length] = why === undefined ? { name, ok } : { name, ok, message: why };
        print(ok ? `✓ ${name}` : `✗ ${name}: ${why}`);
      }
      ObjectFreeze(result.parts);
      if (onPartial) onPartial(ObjectFreeze(result));
      return result.total === 0 ? 1 : result.passed / result.total;
    },
  };
  return ObjectFreeze(check);
}

function includes(text: string, part: string): boolean {
  for (let i = 0; i + part.length <= text.length; i++) {
    let j = 0;
    while (j < part.length && text[i + j] === part[j]) j++;
    if (j === part.length) return true;
  }
  return false;
}

/** "Name: message" of a thrown value, read without calling user code where possible. */
export function errorText(e: unknown): string {
  if (e instanceof ErrorCtor) {
    const name = typeof e.name === "string" ? e.name : "Error";
    const msg = typeof e.message === "string" ? e.message : "";
    return msg ? `${name}: ${msg}` : name;
  }
  if (typeof e === "object" && e !== null && ObjectGetPrototypeOf(e) === ObjectPrototype) return describe(e);
  return typeof e === "string" ? e : describe(e);
}

/** The helper notebooks import: `import { check } from "nnlab"`. */
export const check: Check = createCheck();
