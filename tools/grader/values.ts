// Values as data, for crossing between kernels and the grader.
//
// `encodeValue` runs inside a kernel (the student's or the trusted one) and
// turns a value into plain JSON: numbers, strings, booleans, null, arrays,
// and tagged objects {"$": tag, …} for everything JSON cannot say (NaN, -0,
// undefined, typed arrays, matrices, Maps, Sets, objects). In the student's
// process it is only a convenience — the student can send anything — so the
// grader never trusts it: `decodeValue` rebuilds values defensively (known
// tags only, null-prototype objects, depth and size limits) and throws a
// ValueError for anything else.
import { isMatrixLike } from "../../lib/check";

export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValueError";
  }
}

export interface ValueLimits {
  /** Nesting depth (default 32). */
  depth: number;
  /** Numbers, strings and containers in one value, all together (default 2 000 000). */
  items: number;
  /** Characters of one string (default 1 000 000). */
  stringLength: number;
}

export const VALUE_LIMITS: ValueLimits = { depth: 32, items: 2_000_000, stringLength: 1_000_000 };

export type Encoded = null | boolean | number | string | Encoded[] | { $: string; [k: string]: unknown };

const TYPED_ARRAYS = ["Float64Array", "Float32Array", "Int32Array", "Int16Array", "Int8Array", "Uint32Array", "Uint16Array", "Uint8Array", "Uint8ClampedArray"] as const;
type TypedArrayName = (typeof TYPED_ARRAYS)[number];

function encodeNumber(x: number): Encoded {
  if (x !== x) return { $: "n", v: "NaN" };
  if (x === Infinity || x === -Infinity) return { $: "n", v: x > 0 ? "Infinity" : "-Infinity" };
  if (x === 0 && 1 / x < 0) return { $: "n", v: "-0" };
  return x;
}

/** A value as JSON data (see the top of this file). Never throws; what cannot be said becomes a tag. */
export function encodeValue(value: unknown, limits: ValueLimits = VALUE_LIMITS): Encoded {
  let items = 0;
  const enc = (v: unknown, depth: number): Encoded => {
    if (++items > limits.items) return { $: "big" };
    switch (typeof v) {
      case "number":
        return encodeNumber(v);
      case "string":
        return v.length > limits.stringLength ? { $: "big" } : v;
      case "boolean":
        return v;
      case "undefined":
        return { $: "u" };
      case "bigint":
        return { $: "bi", v: String(v) };
      case "function":
        return { $: "fn" };
      case "symbol":
        return { $: "sym" };
    }
    if (v === null) return null;
    if (depth >= limits.depth) return { $: "deep" };
    try {
      if (Array.isArray(v)) {
        const out: Encoded[] = [];
        for (let i = 0; i < v.length; i++) out.push(enc(v[i], depth + 1));
        return out;
      }
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const name = Object.getPrototypeOf(v)?.constructor?.name as string;
        const a = v as unknown as ArrayLike<number>;
        items += a.length;
        if (items > limits.items) return { $: "big" };
        return { $: "ta", c: (TYPED_ARRAYS as readonly string[]).includes(name) ? name : "Float64Array", v: Array.from(a, (x) => encodeNumber(Number(x))) };
      }
      const rec = v as Record<string, unknown>;
      if (isMatrixLike(rec)) {
        const data = rec.data as ArrayLike<number>;
        items += data.length;
        if (items > limits.items) return { $: "big" };
        return { $: "m", r: rec.rows, c: rec.cols, v: Array.from(data, (x) => encodeNumber(Number(x))) };
      }
      if (v instanceof Map) return { $: "map", v: Array.from(v, ([k, x]) => [enc(k, depth + 1), enc(x, depth + 1)]) };
      if (v instanceof Set) return { $: "set", v: Array.from(v, (x) => enc(x, depth + 1)) };
      const o: Record<string, Encoded> = {};
      for (const k of Object.keys(rec)) o[k] = enc(rec[k], depth + 1);
      return { $: "o", v: o };
    } catch {
      // A getter or proxy that throws: the value cannot be read.
      return { $: "err" };
    }
  };
  return enc(value, 0);
}

/** A plain object with no prototype: nothing a value carries can reach Object.prototype. */
function bare(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

function decodeNumber(x: unknown): number {
  if (typeof x === "number" && Number.isFinite(x)) return x;
  if (x !== null && typeof x === "object" && (x as { $?: unknown }).$ === "n") {
    switch ((x as { v?: unknown }).v) {
      case "NaN":
        return NaN;
      case "Infinity":
        return Infinity;
      case "-Infinity":
        return -Infinity;
      case "-0":
        return -0;
    }
  }
  throw new ValueError("a number was expected");
}

/** Rebuilds a value from its encoding; throws ValueError for anything that is not a well-formed encoding. */
export function decodeValue(data: unknown, limits: ValueLimits = VALUE_LIMITS): unknown {
  let items = 0;
  const count = (n: number) => {
    items += n;
    if (items > limits.items) throw new ValueError(`the value is too large (more than ${limits.items} items)`);
  };
  const dec = (x: unknown, depth: number): unknown => {
    count(1);
    if (x === null || typeof x === "boolean") return x;
    if (typeof x === "number") return decodeNumber(x);
    if (typeof x === "string") {
      if (x.length > limits.stringLength) throw new ValueError("a string is too long");
      return x;
    }
    if (typeof x !== "object") throw new ValueError("unknown kind of value");
    if (depth >= limits.depth) throw new ValueError(`the value is nested more than ${limits.depth} levels deep`);
    if (Array.isArray(x)) return x.map((e) => dec(e, depth + 1));
    const tag = (x as { $?: unknown }).$;
    const body = (x as { v?: unknown }).v;
    switch (tag) {
      case "n":
        return decodeNumber(x);
      case "u":
        return undefined;
      case "bi":
        if (typeof body !== "string" || !/^-?\d{1,1000}$/.test(body)) throw new ValueError("a malformed bigint");
        return BigInt(body);
      case "ta": {
        const name = (x as { c?: unknown }).c;
        if (!(TYPED_ARRAYS as readonly unknown[]).includes(name) || !Array.isArray(body)) throw new ValueError("a malformed typed array");
        count(body.length);
        const Ctor = globalThis[name as TypedArrayName];
        return Ctor.from(body.map(decodeNumber));
      }
      case "m": {
        const r = (x as { r?: unknown }).r;
        const c = (x as { c?: unknown }).c;
        if (!Number.isSafeInteger(r) || !Number.isSafeInteger(c) || (r as number) < 0 || (c as number) < 0 || !Array.isArray(body) || body.length !== (r as number) * (c as number)) {
          throw new ValueError("a malformed matrix");
        }
        count(body.length);
        const m = bare();
        m.rows = r;
        m.cols = c;
        m.data = Float64Array.from(body.map(decodeNumber));
        return m;
      }
      case "map":
      case "set": {
        if (!Array.isArray(body)) throw new ValueError(`a malformed ${tag}`);
        if (tag === "set") return new Set(body.map((e) => dec(e, depth + 1)));
        return new Map(
          body.map((pair) => {
            if (!Array.isArray(pair) || pair.length !== 2) throw new ValueError("a malformed map entry");
            return [dec(pair[0], depth + 1), dec(pair[1], depth + 1)] as [unknown, unknown];
          }),
        );
      }
      case "o": {
        if (body === null || typeof body !== "object" || Array.isArray(body)) throw new ValueError("a malformed object");
        const o = bare();
        for (const k of Object.keys(body)) o[k] = dec((body as Record<string, unknown>)[k], depth + 1);
        return o;
      }
      case "fn":
        return OPAQUE.fn;
      case "sym":
        return OPAQUE.sym;
      case "deep":
      case "big":
      case "err":
        throw new ValueError(tag === "deep" ? "the value is nested too deeply to be compared" : tag === "big" ? "the value is too large to be compared" : "the value could not be read (a getter threw)");
    }
    throw new ValueError("unknown kind of value");
  };
  return dec(data, 0);
}

/** Stand-ins for what cannot cross: equal to themselves only, so a function never equals a number. */
const OPAQUE = Object.freeze({ fn: Object.freeze(Object.assign(bare(), { "[function]": true })), sym: Object.freeze(Object.assign(bare(), { "[symbol]": true })) });
