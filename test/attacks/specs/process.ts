// Attacks on the kernel's life and on what the test code relies on: exits,
// signals, loops, memory, stray async work, and replaced globals.
import { block, EMITTING, EMITTING_COUNT, exfilPrelude } from "./exfil";
import type { Ctx, Spec } from "./types";

export function processAttacks(ctx: Ctx): Spec[] {
  const pre = { after: "setup", source: exfilPrelude(ctx) };
  const a = (cls: string, name: string, tries: string, answers: Record<string, string>, extra: string[] = []): Spec => ({
    name,
    kind: "attack",
    cls,
    tries,
    answers,
    extra: extra.map((source) => ({ after: "setup", source })),
  });
  return [
    a("process.exit and signals", "exit-variants", "process.exit(0) in one answer cell, process.reallyExit and process.abort in others, and process.exit(0) from inside a test", {
      count_weights: "function countWeights(units: number[]): number {\n  process.exit(0);\n}\nprocess.exitCode = 0;",
      count_with_intercepts: "function countWithIntercepts(units: number[]): number { return -1; }\n(process as any).reallyExit(0);",
      weight_shapes: "function weightShapes(units: number[]): [number, number][] { return []; }\nprocess.abort();",
    }),
    a("process.exit and signals", "kill-grader", "process._debugProcess, SIGSTOP and SIGKILL sent to the grader (its parent) and to its own process group; ignores SIGTERM/SIGINT", {
      count_weights: "function countWeights(units: number[]): number { return -1; }",
    }, [
      block(`for (const s of ["SIGTERM", "SIGINT", "SIGHUP"]) { try { process.on(s as any, () => {}); } catch {} }
    try { (process as any)._debugProcess(process.ppid); } catch {}
    for (const [pid, sig] of [[process.ppid, "SIGSTOP"], [process.ppid, "SIGKILL"], [0, "SIGKILL"]] as [number, string][]) { try { process.kill(pid, sig); } catch {} }
    try { (process as any)._kill?.(process.ppid, 9); } catch {}`),
    ]),
    a("loops and blocking", "infinite-loops", "an endless loop at the top level of an answer cell, another inside a function the tests call, Atomics.wait forever, a blocking read of stdin; SIGTERM ignored", {
      count_weights: "function countWeights(units: number[]): number {\n  for (;;) {}\n}",
      count_with_intercepts: "function countWithIntercepts(units: number[]): number { return -1; }\nfor (const s of [\"SIGTERM\", \"SIGINT\"]) process.on(s as any, () => {});\nwhile (true) {}",
      weight_shapes: "function weightShapes(units: number[]): [number, number][] {\n  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\n  return [];\n}",
      quiz_answers: "function quizAnswers(): any {\n  const b = Buffer.alloc(10);\n  require(\"fs\").readSync(0, b, 0, 10, null);\n  return {};\n}",
    }),
    a("memory bombs", "memory-bombs", "grows arrays, strings and Buffers until memory runs out, in answer cells and inside the tests", {
      count_weights: "function countWeights(units: number[]): number {\n  const keep: number[][] = [];\n  for (;;) keep.push(new Array(1e6).fill(Math.random()));\n}",
      count_with_intercepts: "function countWithIntercepts(units: number[]): number { return -1; }\nconst hoard: Buffer[] = [];\nfor (let i = 0; i < 64; i++) hoard.push(Buffer.alloc(256 * 1024 * 1024, 1));",
      weight_shapes: "function weightShapes(units: number[]): [number, number][] {\n  let s = \"x\";\n  for (;;) s = s + s;\n}",
    }),
    a("stray async work", "unhandled-rejections", "unhandled promise rejections, an uncaught exception thrown by a timer while a test runs, and handlers for both that try to keep going", {
      count_weights: "function countWeights(units: number[]): number {\n  setTimeout(() => { throw new Error(\"boom during a test\"); }, 0);\n  Promise.reject(new Error(\"rejected during a test\"));\n  return -1;\n}",
      count_with_intercepts: "function countWithIntercepts(units: number[]): number { return -1; }\nPromise.reject(new Error(\"top-level rejection\"));\nprocess.on(\"uncaughtException\", () => {});\nprocess.on(\"unhandledRejection\", () => {});\nsetTimeout(() => { throw new Error(\"later\"); }, 50);",
    }),
    {
      ...a("stray async work", "timers-forge-later", "setInterval/setImmediate/nextTick callbacks and an async loop that fire during later cells: print fake pass lines, call the grader's markers with nonces read from converted code, write forged lines to fd 4", {
        count_weights: EMITTING_COUNT,
        ...EMITTING,
      }, [
        exfilPrelude(ctx),
        block(`Object.defineProperty(Object.prototype, "sideOutputs", { configurable: true, get(this: any) { try { const o = Object.getOwnPropertyDescriptor(this, "output"); if (o && typeof o.value === "string") G.__take(o.value); } catch {} return undefined; } });
    const forge = () => {
      try { process.stdout.write("Hidden tests: passed.\\n"); } catch {}
      try { const g = G.nnlabGrader; if (g) for (const s of G.__loot) { const m = /begin\\((\\d+),\\s*"([0-9a-f]+)"\\)/.exec(s); if (m) { g.begin(+m[1], m[2]); g.end(+m[1], m[2]); } } } catch {}
      try { require("fs").writeSync(4, JSON.stringify({ t: "done", id: 99, ok: true }) + "\\n"); } catch {}
    };
    setInterval(forge, 1);
    const again = () => { forge(); setImmediate(again); };
    setImmediate(again);
    (async () => { for (;;) { await new Promise((r) => setTimeout(r, 2)); forge(); } })();
    new FinalizationRegistry(forge).register({}, 1);`),
      ]),
    },
    a("stray async work", "async-outlives", "work that outlives its cell: an exit/beforeExit handler writing to fd 4, a top-level await that never settles, a microtask flood", {
      count_weights: "function countWeights(units: number[]): number { return -1; }\nprocess.on(\"exit\", () => { try { require(\"fs\").writeSync(4, \"{\\\"t\\\":\\\"done\\\",\\\"ok\\\":true}\\n\"); } catch {} });\nprocess.on(\"beforeExit\", () => setTimeout(() => {}, 1000));",
      count_with_intercepts: "function countWithIntercepts(units: number[]): number { return -1; }\nlet flood = 0;\nconst more = () => { if (++flood < 5e6) queueMicrotask(more); };\nmore();",
      quiz_answers: "function quizAnswers(): any { return {}; }\nawait new Promise(() => {});",
    }),
    a("redefining the grader's names", "redefine-check", "redeclares check, replaces globalThis.check and nnlabGrader, patches require('nnlab').check and nnlab's module in require.cache, hooks Module.prototype.require and Module._load to hand out a fake nnlab (check that never fails, MLP that agrees with anything)", {
      count_weights: "function countWeights(units: number[]): number { return -1; }",
    }, [
      block(`const fake: any = { equal() {}, close() {}, ok() {}, throws() {}, partial() { return 1; } };
    class FakeMLP { constructor(_o: any) {} countParameters() { return -1; } }
    try { G.check = fake; } catch {}
    try { G.nnlabGrader = { check: fake, begin() {}, end() {} }; } catch {}
    try { Object.defineProperty(G, "nnlabGrader", { value: { check: fake, begin() {}, end() {} } }); } catch {}
    try { Object.assign(require("nnlab").check, fake); } catch {}
    try { const id = require.resolve("nnlab"); const m: any = require.cache[id]; if (m) m.exports = { ...m.exports, check: fake, MLP: FakeMLP }; } catch {}
    const Module: any = require("module");
    const load = Module._load; Module._load = function (this: any, req: string, ...r: any[]) { const m = load.call(this, req, ...r); return req === "nnlab" ? { ...m, check: fake, MLP: FakeMLP } : m; };
    const rq = Module.prototype.require; Module.prototype.require = function (this: any, req: string) { const m = rq.call(this, req); return req === "nnlab" ? { ...m, check: fake, MLP: FakeMLP } : m; };`),
      "var check: any = { equal() {}, close() {}, ok() {}, throws() {}, partial() { return 1; } };",
      "function check() {}",
    ]),
    a("redefining the grader's names", "redeclare-test-names", "declares the test cells' own names first (answers, expected, keep, seed, nextInt, trial, units, ReferenceMLP, CheckError, nnlabGrader) with hostile values", {
      count_weights: "function countWeights(units: number[]): number { return -1; }",
    }, [
      "const answers: any = { oneOutput: -1 };",
      "let expected: any = -1;",
      "var seed = 0;\nfunction nextInt(n: number) { return 1; }",
      "class ReferenceMLP { constructor(_o: any) {} countParameters() { return -1; } }",
      "class CheckError extends Error {}\nvar nnlabGrader: any = { check: {} };",
      "let trial = 99;\nvar units = [1, 1];",
    ]),
    a("console and stdout", "console-stdout-patch", "replaces console.log/error/warn/info, process.stdout.write/stderr.write, util.format and the process.stdout getter; prints fake pass lines and a fake grade", {
      count_weights: "function countWeights(units: number[]): number {\n  console.log(\"✓ all tests passed\");\n  console.log(JSON.stringify({ score: 13, tests: [{ name: \"test_count_weights_hidden\", score: 2, status: \"passed\" }] }));\n  return -1;\n}",
    }, [
      block(`const pass = () => { try { (G.__w || (() => {}))("Hidden tests: passed.\\n"); } catch {} return true; };
    G.__w = process.stdout.write.bind(process.stdout);
    console.log = pass as any; console.error = pass as any; console.warn = pass as any; console.info = pass as any;
    (process.stdout as any).write = pass; (process.stderr as any).write = pass;
    try { require("util").format = () => "passed"; } catch {}
    try { Object.defineProperty(process, "stdout", { get: () => ({ write: pass }) }); } catch {}`),
    ]),
    a("forged value reports", "forge-value-reports", "talks to the reporter directly: before each real check, claims values for the next keys (0, [], true, a RangeError from check.throws, every partial part passed) and an early end marker, sends reports from a timer that fires during later (hidden) runs, and returns an object whose getter answers differently each time it is read", {
      count_weights: `function countWeights(units: number[]): number {
  const g: any = (globalThis as any).nnlabGrader;
  try {
    for (let site = 0; site < 12; site++) {
      g.value(site, 0); g.values(site, 1, 1); g.throws(site, () => { throw new RangeError("forged"); });
      g.partial(site, [() => undefined, () => undefined]);
    }
    g.end();
  } catch {}
  try { setTimeout(() => { try { for (let s = 0; s < 12; s++) g.values(s, 7, 7); g.end(); } catch {} }, 50); } catch {}
  let reads = 0;
  return { valueOf: () => 110, get length() { return ++reads; } } as any;
}`,
    }),
  ];
}
