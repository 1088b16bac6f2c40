// JSON exactly as Python's `json` module reads and writes it, because Jupyter
// saves notebooks with `json.dumps(nb, sort_keys=True, indent=1,
// ensure_ascii=False)` and we want a notebook we rewrite to be byte-identical.
//
// Two things differ from JavaScript's JSON object:
// - numbers: Python keeps 1.0 (a float) apart from 1 (an int) and prints
//   floats with repr() (1e-05, 1e+16); a number whose text we could not
//   reproduce from its value is kept as a RawNumber holding the original text;
// - key order: Python sorts keys by code point, JavaScript by UTF-16 unit and
//   puts integer-like keys first. We sort ourselves.

/** A number whose original spelling (e.g. `1.0`, `1E5`, a 20-digit int) must survive a round trip. */
export class RawNumber {
  constructor(
    readonly raw: string,
    readonly value: number,
  ) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
  toString(): string {
    return this.raw;
  }
}

/** Error with a line and column, like Python's JSONDecodeError. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super(`${reason}: line ${line} column ${column} (char ${offset})`);
    this.name = "JsonSyntaxError";
  }
}

/** Python's float repr(): shortest round-trip digits, exponent form outside 1e-4 <= |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // toExponential() with no argument gives the shortest digits that round-trip, as repr does.
  const [mant, expText] = Math.abs(x).toExponential().split("e");
  const digits = mant.replace(".", "");
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || "0"}`;
}

/** How we print a plain JS number: integers as ints, everything else as a Python float. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) && !Object.is(x, -0)) {
    return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
  }
  return pyFloatRepr(x);
}

/** Python's sort order for dict keys: by code point (not by UTF-16 unit). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // A surrogate starts a code point above U+FFFF, so it sorts after every BMP unit.
      if (x >= 0xd800 && x <= 0xdfff) x += 0x10000;
      if (y >= 0xd800 && y <= 0xdfff) y += 0x10000;
      return x - y;
    }
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------- parsing

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Parses JSON the way Python's json.loads does: NaN/Infinity accepted,
 * duplicate keys keep the last value, numbers that would not print back
 * identically become RawNumber. Objects are plain (with "__proto__" as a
 * normal own key).
 */
export function parsePyJson(text: string): unknown {
  let i = 0;
  const len = text.length;

  function fail(reason: string, at = i): never {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < len; k++) {
      if (text.charCodeAt(k) === 0x0a) {
        line++;
        lineStart = k + 1;
      }
    }
    throw new JsonSyntaxError(reason, line, at - lineStart + 1, at);
  }
  function skipWs(): void {
    while (i < len && WS.has(text.charCodeAt(i))) i++;
  }

  function parseString(): string {
    const start = ++i; // after the opening quote
    let hasEscape = false;
    for (;;) {
      if (i >= len) fail("Unterminated string starting at", start - 1);
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        hasEscape = true;
        i += 2;
        continue;
      }
      if (c < 0x20) fail("Invalid control character at");
      i++;
    }
    const body = text.slice(start, i);
    i++; // closing quote
    if (!hasEscape) return body;
    try {
      return JSON.parse(`"${body}"`) as string;
    } catch {
      fail("Invalid \\escape", start);
    }
  }

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  function parseValue(depth: number): unknown {
    if (depth > 10000) fail("Nesting too deep");
    skipWs();
    if (i >= len) fail("Expecting value");
    const c = text[i];
    if (c === "{") return parseObject(depth);
    if (c === "[") return parseArray(depth);
    if (c === '"') return parseString();
    if (text.startsWith("true", i)) return (i += 4), true;
    if (text.startsWith("false", i)) return (i += 5), false;
    if (text.startsWith("null", i)) return (i += 4), null;
    if (text.startsWith("NaN", i)) return (i += 3), NaN;
    if (text.startsWith("Infinity", i)) return (i += 8), Infinity;
    if (text.startsWith("-Infinity", i)) return (i += 9), -Infinity;
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) fail("Expecting value");
    i += m[0].length;
    const value = Number(m[0]);
    return formatNumber(value) === m[0] ? value : new RawNumber(m[0], value);
  }

  function parseArray(depth: number): unknown[] {
    i++;
    const out: unknown[] = [];
    skipWs();
    if (text[i] === "]") return i++, out;
    for (;;) {
      out.push(parseValue(depth + 1));
      skipWs();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") return i++, out;
      fail("Expecting ',' delimiter");
    }
  }

  function parseObject(depth: number): Record<string, unknown> {
    i++;
    const out: Record<string, unknown> = {};
    skipWs();
    if (text[i] === "}") return i++, out;
    for (;;) {
      skipWs();
      if (text[i] !== '"') fail("Expecting property name enclosed in double quotes");
      const key = parseString();
      skipWs();
      if (text[i] !== ":") fail("Expecting ':' delimiter");
      i++;
      const value = parseValue(depth + 1);
      // defineProperty so that a key named "__proto__" stays an ordinary key.
      Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      skipWs();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") return i++, out;
      fail("Expecting ',' delimiter");
    }
  }

  const value = parseValue(0);
  skipWs();
  if (i < len) fail("Extra data");
  return value;
}

// ---------------------------------------------------------------- writing

/**
 * `json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False)`.
 * Keys whose value is undefined or a function are left out, as JSON.stringify does.
 */
export function stringifyPyJson(value: unknown, indent = 1): string {
  const parts: string[] = [];
  const seen = new Set<object>();

  function write(v: unknown, level: number): void {
    if (v === null) return void parts.push("null");
    switch (typeof v) {
      case "string":
        // JSON.stringify escapes exactly what Python does with ensure_ascii=False
        // (quote, backslash, control characters; not "/" and not non-ASCII).
        return void parts.push(JSON.stringify(v));
      case "number":
        return void parts.push(formatNumber(v));
      case "boolean":
        return void parts.push(v ? "true" : "false");
      case "bigint":
        return void parts.push(v.toString());
      case "object":
        break;
      default:
        return void parts.push("null");
    }
    const obj = v as object;
    if (obj instanceof RawNumber) return void parts.push(obj.raw);
    if (seen.has(obj)) throw new TypeError("Circular reference in notebook JSON");
    seen.add(obj);
    const pad = "\n" + " ".repeat(indent * (level + 1));
    const close = "\n" + " ".repeat(indent * level);
    if (Array.isArray(obj)) {
      if (obj.length === 0) parts.push("[]");
      else {
        parts.push("[");
        for (let k = 0; k < obj.length; k++) {
          parts.push(k === 0 ? pad : "," + pad);
          const item = obj[k];
          write(item === undefined || typeof item === "function" ? null : item, level + 1);
        }
        parts.push(close + "]");
      }
    } else {
      const rec = obj as Record<string, unknown>;
      const keys = Object.keys(rec)
        .filter((k) => rec[k] !== undefined && typeof rec[k] !== "function")
        .sort(compareCodePoints);
      if (keys.length === 0) parts.push("{}");
      else {
        parts.push("{");
        keys.forEach((k, n) => {
          parts.push((n === 0 ? pad : "," + pad) + JSON.stringify(k) + ": ");
          write(rec[k], level + 1);
        });
        parts.push(close + "}");
      }
    }
    seen.delete(obj);
  }

  write(value, 0);
  return parts.join("");
}

/** Python's str.splitlines(keepends=True): every line boundary Python knows, ends kept. */
export function pySplitLines(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    const isBreak =
      c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c || c === 0x1c || c === 0x1d ||
      c === 0x1e || c === 0x85 || c === 0x2028 || c === 0x2029;
    if (!isBreak) continue;
    if (c === 0x0d && s.charCodeAt(k + 1) === 0x0a) k++;
    out.push(s.slice(start, k + 1));
    start = k + 1;
  }
  if (start < s.length) out.push(s.slice(start));
  return out;
}
