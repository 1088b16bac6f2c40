// Attacks on the sandbox itself: files, other processes, the network, native
// escape hatches, and the kernel's channels to the grader.
import { block, EMITTING, EMITTING_COUNT, exfilPrelude } from "./exfil";
import type { Ctx, Spec } from "./types";

/** Places outside the output folder an attack tries to create files in (each name carries the canary). */
function writeTargets(ctx: Ctx, tag: string): string {
  const c = `${ctx.canary}-${tag}`;
  const dirs = [ctx.realTmp, ctx.realHome, ctx.subsDir, ctx.outDir, ctx.repo, `${ctx.repo}/dist`, `${ctx.repo}/node_modules`, `${ctx.repo}/solutions`];
  return `[${dirs.map((d) => JSON.stringify(`${d}/${c}`)).join(", ")}, require("path").join(process.cwd(), ${JSON.stringify(c)}), require("path").join(process.cwd(), "..", ${JSON.stringify(c)}), require("path").join(require("os").tmpdir(), ${JSON.stringify(c)})]`;
}

/** Code that tries `attempt(path)` for each target and reports the ones that worked. */
const tryEach = (targets: string, what: string, attempt: string) =>
  `for (const p of ${targets}) { try { ${attempt}; G.__escaped(${JSON.stringify(what)} + " " + p); } catch {} }`;

export function sandboxAttacks(ctx: Ctx): Spec[] {
  const pre = { after: "setup", source: exfilPrelude(ctx) };
  const answers = { count_weights: EMITTING_COUNT, ...EMITTING };
  const spec = (cls: string, name: string, tries: string, ...cells: string[]): Spec => ({
    name,
    kind: "attack",
    cls,
    tries,
    answers,
    extra: [pre, ...cells.map((source) => ({ after: "count_weights", source }))],
  });
  const sol = JSON.stringify(ctx.solution);
  const victimFile = JSON.stringify(`${ctx.subsDir}/zz-correct-last.ipynb`);
  return [
    spec(
      "writing files",
      "fs-write-sync",
      "writeFileSync/appendFileSync/openSync+writeSync/mkdirSync/symlinkSync/linkSync/copyFileSync into /tmp, $HOME, the submissions, the output folder, the repository, its dist/, node_modules/, solutions/, the kernel's folder and its parent",
      block(`const fs: any = require("fs");
    ${tryEach(writeTargets(ctx, "w1"), "writeFileSync", 'fs.writeFileSync(p, "x")')}
    ${tryEach(writeTargets(ctx, "w2"), "appendFileSync", 'fs.appendFileSync(p, "x")')}
    ${tryEach(writeTargets(ctx, "w3"), "openSync", 'fs.writeSync(fs.openSync(p, "w"), "x")')}
    ${tryEach(writeTargets(ctx, "w4"), "mkdirSync", "fs.mkdirSync(p)")}
    ${tryEach(writeTargets(ctx, "w5"), "symlinkSync", `fs.symlinkSync(${sol}, p)`)}
    ${tryEach(writeTargets(ctx, "w6"), "linkSync", `fs.linkSync(${sol}, p)`)}
    ${tryEach(writeTargets(ctx, "w7"), "copyFileSync", `fs.copyFileSync(${sol}, p)`)}`),
    ),
    spec(
      "writing files",
      "fs-write-async",
      "fs.promises.writeFile/mkdir, fs.writeFile with a callback, and write streams (createWriteStream + end) to the same places",
      `const G: any = globalThis as any;
const fsa: any = require("fs");
const fsp: any = require("fs/promises");
for (const p of ${writeTargets(ctx, "a1")}) { try { await fsp.writeFile(p, "x"); G.__escaped("fs.promises.writeFile " + p); } catch {} }
for (const p of ${writeTargets(ctx, "a2")}) { try { await fsp.mkdir(p); G.__escaped("fs.promises.mkdir " + p); } catch {} }
for (const p of ${writeTargets(ctx, "a3")}) { try { await new Promise<void>((ok, no) => fsa.writeFile(p, "x", (e: any) => (e ? no(e) : ok()))); G.__escaped("fs.writeFile " + p); } catch {} }
for (const p of ${writeTargets(ctx, "a4")}) { try { await new Promise<void>((ok, no) => { const s = fsa.createWriteStream(p); s.on("error", no); s.on("finish", ok); s.end("x"); }); G.__escaped("createWriteStream " + p); } catch {} }`,
    ),
    spec(
      "writing files",
      "sqlite-write",
      "node:sqlite (Node 22.5+), whose native code writes database files without asking the permission model: VACUUM INTO, ATTACH DATABASE and opening a new database file, at the same places",
      block(`const open = (p: string) => new (require("node:sqlite").DatabaseSync)(p);
    ${tryEach(writeTargets(ctx, "q1"), "sqlite VACUUM INTO", `open(":memory:").exec("VACUUM INTO '" + p + "'")`)}
    ${tryEach(writeTargets(ctx, "q2"), "sqlite ATTACH", `open(":memory:").exec("ATTACH DATABASE '" + p + "' AS x; CREATE TABLE x.t(v)")`)}
    ${tryEach(writeTargets(ctx, "q3"), "sqlite open", `open(p).exec("CREATE TABLE t(v)")`)}`),
    ),
    spec(
      "writing files",
      "fs-destroy-others",
      "deletes, truncates, chmods and overwrites another student's submission and forges another student's results.json in the output folder",
      block(`const fs: any = require("fs");
    const forged = JSON.stringify({ score: 13, tests: [], extra_data: { nnlab: { version: 1, student: "empty", score: 13 } } });
    for (const [what, f] of [
      ["truncate", () => fs.truncateSync(${victimFile}, 0)],
      ["chmod", () => fs.chmodSync(${victimFile}, 0)],
      ["overwrite", () => fs.writeFileSync(${victimFile}, "{}")],
      ["rm", () => fs.rmSync(${victimFile})],
      ["forge results", () => fs.writeFileSync(${JSON.stringify(`${ctx.outDir}/empty/results.json`)}, forged)],
      ["forge csv", () => fs.writeFileSync(${JSON.stringify(`${ctx.outDir}/grades.csv`)}, "student,score\\nempty,13\\n")],
      ["utimes", () => fs.utimesSync(${victimFile}, 0, 0)],
    ] as [string, () => void][]) { try { f(); G.__escaped(what); } catch {} }`),
    ),
    spec(
      "reading what is not yours",
      "fs-read-solution",
      "reads the instructor's notebook (absolute path, /proc/self/cwd and symlink-traversal spellings, Buffer and URL paths, require() with a .ipynb loader); if it can, it transpiles the solution's answers and uses them",
      block(`const fs: any = require("fs");
    const path: any = require("path");
    const tries: any[] = [${sol}, "/proc/self/cwd/../../.." + ${sol}, path.join(process.cwd(), "..", "node_modules", "..", "..", "..", ${sol}), Buffer.from(${sol}), new URL("file://" + ${sol}), new TextEncoder().encode(${sol}), path.join(process.cwd(), "../node_modules/nnlab/../../solutions/E01-parameter-counting.ipynb"), path.join(process.cwd(), "../node_modules/../solutions/E01-parameter-counting.ipynb")];
    let text = "";
    for (const p of tries) { try { text = fs.readFileSync(p, "utf8"); G.__escaped("read solution " + String(p)); break; } catch {} }
    if (!text) { try { const Module: any = require("module"); Module._extensions[".ipynb"] = Module._extensions[".json"]; text = JSON.stringify(require(${sol})); G.__escaped("require solution"); } catch {} }
    if (text) {
      const nb = JSON.parse(text);
      const ts: any = require("typescript");
      const code = nb.cells.filter((c: any) => c.metadata?.nbgrader?.solution).map((c: any) => [].concat(c.source).join("")).join("\\n");
      const js = ts.transpile(code + "\\n;({ countWeights, countWithIntercepts, weightShapes, quizAnswers })");
      G.__stolen = (0, eval)(js);
    }`),
      `function countWeights(units: number[]): number { const s = (globalThis as any).__stolen; if (s) return s.countWeights(units); (globalThis as any).__emit("cw"); return -1; }`,
    ),
    {
      ...spec(
        "reading what is not yours",
        "fs-read-others",
        "lists the submissions folder, reads another student's notebook and feedback, the output folder's grades.csv, and /proc of the grader (cmdline, environ, fds); uses a classmate's answers if it can",
        block(`const fs: any = require("fs");
    for (const [what, f] of [
      ["readdir subs", () => fs.readdirSync(${JSON.stringify(ctx.subsDir)}).join(",")],
      ["read classmate", () => fs.readFileSync(${JSON.stringify(`${ctx.subsDir}/correct-a-first.ipynb`)}, "utf8")],
      ["read feedback", () => fs.readFileSync(${JSON.stringify(`${ctx.outDir}/correct-a-first/feedback.md`)}, "utf8")],
      ["read csv", () => fs.readFileSync(${JSON.stringify(`${ctx.outDir}/grades.csv`)}, "utf8")],
      ["grader cmdline", () => fs.readFileSync("/proc/" + process.ppid + "/cmdline", "utf8")],
      ["grader environ", () => fs.readFileSync("/proc/" + process.ppid + "/environ", "utf8")],
      ["grader fds", () => fs.readdirSync("/proc/" + process.ppid + "/fd").map((f: string) => { try { return fs.readlinkSync("/proc/" + process.ppid + "/fd/" + f); } catch { return f; } }).join(",")],
      ["grader mem", () => String(fs.openSync("/proc/" + process.ppid + "/mem", "r"))],
      ["root listing", () => fs.readdirSync("/").join(",")],
    ] as [string, () => string][]) { try { const v = f(); G.__escaped(what); G.__take(v); if (what === "read classmate") G.__classmate = JSON.parse(v); } catch {} }
    if (G.__classmate) {
      const ts: any = require("typescript");
      const code = G.__classmate.cells.filter((c: any) => c.metadata?.nbgrader?.solution).map((c: any) => [].concat(c.source).join("")).join("\\n");
      G.__stolen = (0, eval)(ts.transpile(code + "\\n;({ countWeights, countWithIntercepts, weightShapes, quizAnswers })"));
    }`),
        `function countWeights(units: number[]): number { const s = (globalThis as any).__stolen; if (s) return s.countWeights(units); (globalThis as any).__emit("cw"); return -1; }`,
      ),
    },
    spec(
      "reading what is not yours",
      "permission-bypass-tricks",
      "monkey-patches path.resolve/toNamespacedPath and Buffer.prototype.utf8Write/toString (the permission checks' own helpers in some Node versions), then reads the solution and writes a file",
      block(`const path: any = require("path");
    const fs: any = require("fs");
    const cwd = process.cwd();
    const res = path.resolve; const tns = path.toNamespacedPath;
    path.resolve = (...a: any[]) => (a.some((x) => String(x).includes("nnlab-attack-probe")) ? cwd : res(...a));
    path.toNamespacedPath = (p: any) => tns(p);
    const BP: any = Buffer.prototype; const w = BP.utf8Write;
    BP.utf8Write = function (this: any, s: any, ...r: any[]) { return w.call(this, typeof s === "string" && s.startsWith(cwd) ? ${sol} : s, ...r); };
    for (const p of [${sol}, cwd + "/x", Buffer.from(${sol})]) { try { const t = fs.readFileSync(p, "utf8"); if (t.includes("BEGIN")) G.__escaped("read via patched path " + String(p)); } catch {} }
    ${tryEach(writeTargets(ctx, "pb"), "write via patched path", 'fs.writeFileSync(p, "x")')}`),
    ),
    spec(
      "writing files",
      "node-apis-write-files",
      "Node APIs that write files by themselves: trace events (after chdir to /tmp, the repository and the output folder), process.report.writeReport, v8.writeHeapSnapshot, inspector profiles",
      block(`const fs: any = require("fs");
    for (const d of [${JSON.stringify(ctx.realTmp)}, ${JSON.stringify(ctx.repo)}, ${JSON.stringify(ctx.outDir)}, ${JSON.stringify(ctx.subsDir)}, process.cwd()]) {
      try { process.chdir(d); } catch {}
      try { const t = require("trace_events").createTracing({ categories: ["node", "v8", "node.fs.sync", "node.perf"] }); t.enable(); for (let i = 0; i < 200; i++) { try { fs.statSync(d); } catch {} } t.disable(); G.__take("tracing enabled in " + d); } catch (e) { G.__take("tracing: " + String(e)); }
    }
    for (const p of ${writeTargets(ctx, "rep")}) { try { const r = (process as any).report.writeReport(p); if (r) G.__escaped("writeReport " + r); } catch {} }
    try { (process as any).report.directory = ${JSON.stringify(ctx.realTmp)}; (process as any).report.filename = ${JSON.stringify(`${ctx.canary}-report.json`)}; const r = (process as any).report.writeReport(); if (r) G.__escaped("writeReport default " + r); } catch {}
    for (const p of ${writeTargets(ctx, "heap")}) { try { const r = require("v8").writeHeapSnapshot(p); if (r) G.__escaped("writeHeapSnapshot " + r); } catch {} }`),
    ),
    spec(
      "reading what is not yours",
      "inspector-heap",
      "opens an inspector session on its own process and takes a heap snapshot, searching it for test code, expected values and secrets",
      block(`const inspector: any = require("inspector");
    const s = new inspector.Session();
    s.connect();
    const chunks: string[] = [];
    s.on("HeapProfiler.addHeapSnapshotChunk", (m: any) => chunks.push(m.params.chunk));
    s.post("HeapProfiler.takeHeapSnapshot", {}, () => {
      const all = chunks.join("");
      for (const re of [/check\\.(equal|close|throws)\\([^"]{0,200}/g, /BEGIN HIDDEN[^"]{0,400}/g, /nnlabGrader[^"]{0,200}/g]) { for (const m of all.match(re) || []) G.__take(m); }
      G.__take("heap snapshot of " + all.length + " chars");
    });`),
    ),
    spec(
      "network",
      "network",
      `connects to the test's own TCP (127.0.0.1:${ctx.tcpPort}) and UDP (:${ctx.udpPort}) listeners with net, http, fetch, tls, dgram and dns; opens an inspector port; sends SIGUSR1 to the grader (process._debugProcess) to open its inspector`,
      `const G: any = globalThis as any;
const hit = (what: string) => G.__escaped("network " + what);
const tries: [string, () => Promise<unknown>][] = [
  ["net", () => new Promise((ok, no) => { const s = require("net").connect(${ctx.tcpPort}, "127.0.0.1", () => { s.write("net"); s.end(); ok(1); }); s.on("error", no); })],
  ["http", () => new Promise((ok, no) => { const r = require("http").get("http://127.0.0.1:${ctx.tcpPort}/http", ok); r.on("error", no); })],
  ["fetch", () => fetch("http://127.0.0.1:${ctx.tcpPort}/fetch")],
  ["tls", () => new Promise((ok, no) => { const s = require("tls").connect(${ctx.tcpPort}, "127.0.0.1", { rejectUnauthorized: false }, ok); s.on("error", no); })],
  ["dgram", () => new Promise((ok, no) => { const s = require("dgram").createSocket("udp4"); s.send("udp", ${ctx.udpPort}, "127.0.0.1", (e: any) => (e ? no(e) : ok(1))); })],
  ["dns", () => require("dns").promises.lookup("localhost")],
  ["inspector.open", () => Promise.resolve(require("inspector").open(0, "127.0.0.1"))],
  ["debugProcess(grader)", () => Promise.resolve((process as any)._debugProcess(process.ppid))],
];
for (const [what, f] of tries) { try { await Promise.race([f(), new Promise((_, no) => setTimeout(() => no(new Error("slow")), 1500))]); hit(what); } catch {} }`,
    ),
    spec(
      "other processes",
      "child-process",
      "child_process exec/execSync/spawn/spawnSync/execFile/fork and process.binding('spawn_sync') running `touch` on a file in /tmp; process.dlopen of a native addon",
      block(`const cp: any = require("child_process");
    const f = (tag: string) => ${JSON.stringify(`${ctx.realTmp}/${ctx.canary}-cp-`)} + tag;
    for (const [what, run] of [
      ["execSync", () => cp.execSync("touch " + f("execSync"))],
      ["spawnSync", () => cp.spawnSync("touch", [f("spawnSync")]).pid],
      ["execFileSync", () => cp.execFileSync("/usr/bin/touch", [f("execFileSync")])],
      ["spawn", () => cp.spawn("touch", [f("spawn")]).pid],
      ["exec", () => cp.exec("touch " + f("exec")).pid],
      ["fork", () => cp.fork("-e", [], { execArgv: ["-e", "require('fs').writeFileSync('" + f("fork") + "', 'x')"] }).pid],
      ["binding", () => (process as any).binding("spawn_sync").spawn({ file: "/usr/bin/touch", args: ["touch", f("binding")], stdio: [] }).pid],
      ["dlopen", () => (process as any).dlopen({ exports: {} }, "/usr/lib/x86_64-linux-gnu/libc.so.6")],
    ] as [string, () => unknown][]) { try { const r = run(); if (r !== undefined && r !== null) G.__escaped(what); } catch {} }`),
    ),
    spec(
      "other processes",
      "worker-threads",
      "worker_threads Worker with eval code that writes a file, and a Worker from a data: URL",
      `const G: any = globalThis as any;
try {
  const { Worker } = require("worker_threads");
  const code = "require('fs').writeFileSync(" + JSON.stringify(${JSON.stringify(`${ctx.realTmp}/${ctx.canary}-worker`)}) + ", 'x'); require('worker_threads').parentPort.postMessage('wrote')";
  const w = new Worker(code, { eval: true });
  await new Promise<void>((ok) => { w.on("message", (m: any) => { G.__escaped("worker " + m); ok(); }); w.on("error", () => ok()); w.on("exit", () => ok()); setTimeout(ok, 3000); });
} catch (e) { G.__take("worker: " + String(e)); }
try { const { Worker } = require("worker_threads"); new Worker(new URL("data:text/javascript,require('fs').writeFileSync('${ctx.realTmp}/${ctx.canary}-worker2','x')")); G.__escaped("data worker started"); } catch {}`,
    ),
    spec(
      "other processes",
      "library-worker",
      "nnlab's own product worker thread: process.permission.has patched to say yes, useProductThreads(\"always\") and a product large enough to share, then counts the chunks a worker ran",
      `const G: any = globalThis as any;
try {
  const perm: any = (process as any).permission;
  if (perm) { try { perm.has = () => true; } catch {} try { Object.defineProperty(perm, "has", { value: () => true }); } catch {} }
  const lib = require("path").join(require("path").dirname(require.resolve("nnlab")), "..", "..", "dist", "lib");
  const nn: any = require(lib + "/index.js");
  nn.useProductThreads("always");
  const a = nn.Matrix.fromFunction(128, 128, (i: number, j: number) => ((i + j) % 7) - 3);
  const c = nn.matMul(a, a);
  const shared = require(lib + "/kernels/threads.js").sharedProducts();
  if (shared && shared.workerChunks > 0) G.__escaped("the product worker ran " + shared.workerChunks + " chunks");
  G.__take("product worker " + (shared ? "started" : "refused") + "; c[0] = " + c.data[0]);
} catch (e) { G.__take("library worker: " + String(e)); }`,
    ),
    spec(
      "wasm, eval and Function",
      "wasm",
      "a WebAssembly module that loops forever, a 4 GiB WebAssembly.Memory, and WASI with /tmp preopened",
      block(`const loop = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 9, 1, 7, 0, 3, 64, 12, 0, 11, 11]);
    try { const m: any = new WebAssembly.Instance(new WebAssembly.Module(loop), {}); G.__wasmLoop = m.exports.f; } catch (e) { G.__take("wasm: " + String(e)); }
    try { const mem = new WebAssembly.Memory({ initial: 1, maximum: 65536 }); mem.grow(65535); G.__take("grew wasm memory to " + mem.buffer.byteLength); } catch (e) { G.__take("wasm memory: " + String(e)); }
    try { const { WASI } = require("wasi"); new WASI({ version: "preview1", preopens: { "/t": ${JSON.stringify(ctx.realTmp)} } }); G.__take("WASI with a preopen was constructed"); } catch (e) { G.__take("wasi: " + String(e)); }`),
      `function countWeights(units: number[]): number { const f = (globalThis as any).__wasmLoop; if (f) f(); return -1; }`,
    ),
    spec(
      "wasm, eval and Function",
      "eval-and-callers",
      "eval, indirect eval, new Function, vm.runInNewContext's constructor escape, data: URL imports, and a sloppy-mode function walking .caller from inside the tests to read the test code",
      block(`const vm: any = require("vm");
    try { const p = vm.runInNewContext("this.constructor.constructor('return process')()"); G.__take("escaped context: " + typeof p.pid); } catch (e) { G.__take(String(e)); }
    try { (0, eval)("globalThis.__evalOk = 1"); new Function("globalThis.__fnOk = 1")(); } catch {}
    G.__callers = new Function("var out = []; try { var f = arguments.callee.caller; for (var i = 0; f && i < 20; i++) { out.push(String(f)); f = f.caller; } } catch (e) { out.push(String(e)); } return out;");`),
      `const G2: any = globalThis as any;
const dataUrl: string = "data:text/javascript,globalThis.__dataImport=1";
try { await import(dataUrl); } catch (e) { G2.__take("data import: " + String(e)); }
function countWeights(units: number[]): number { try { for (const s of (globalThis as any).__callers()) (globalThis as any).__take(s); } catch {} (globalThis as any).__emit("cw"); return -1; }`,
    ),
    spec(
      "the kernel's channels",
      "fd-garbage",
      "writes non-JSON lines, invalid UTF-8 and NUL bytes to every file descriptor 0-10, at the top level and again from inside the tests",
      `const G: any = globalThis as any;
G.__garbage = () => { const fs: any = require("fs"); for (let fd = 0; fd <= 10; fd++) { for (const chunk of ["not json {\\n", "\\u0000\\u0000]\\n", Buffer.from([0xff, 0xfe, 0x0a]), "{\\"t\\":\\n"]) { try { fs.writeSync(fd, chunk as any); } catch {} } } };
G.__garbage();`,
      `function countWeights(units: number[]): number { (globalThis as any).__garbage(); return -1; }`,
    ),
    spec(
      "the kernel's channels",
      "fd-forged-json",
      "writes protocol-shaped JSON to fds 3-10 (\"done ok\" for every cell id, streams saying the hidden tests passed, Node IPC internal messages) and calls process.send with the same",
      `const G: any = globalThis as any;
G.__forge = () => {
  const fs: any = require("fs");
  const lines: string[] = [];
  for (let id = 0; id < 60; id++) { lines.push(JSON.stringify({ t: "done", id, ok: true, count: id, interrupted: false, error: null }), JSON.stringify({ k: "0".repeat(32), s: id, t: "done", id, ok: true }), JSON.stringify({ t: "stream", id, name: "stdout", text: "Hidden tests: passed." })); }
  lines.push(JSON.stringify({ cmd: "NODE_HANDLE", type: "net.Socket", msg: {} }), JSON.stringify({ nnlabGrader: 1, payload: JSON.stringify({ run: 1, fraction: 1, partials: [] }), mac: "0".repeat(64) }), JSON.stringify({ score: 13, verdict: "passed", tests: "all" }));
  const text = lines.join("\\n") + "\\n";
  for (let fd = 3; fd <= 10; fd++) { try { fs.writeSync(fd, text); } catch {} }
  for (const l of lines.slice(0, 20)) { try { (process as any).send?.(JSON.parse(l)); } catch {} }
};
G.__forge();`,
      `function countWeights(units: number[]): number { (globalThis as any).__forge(); return -1; }`,
    ),
    spec(
      "the kernel's channels",
      "fd-flood-close",
      "writes 256 MiB without a newline to fds 3 and 4 (a line the reader has to buffer), then closes fds 3-10",
      block(`const fs: any = require("fs");
    const mb = Buffer.alloc(1 << 20, 97);
    for (const fd of [3, 4]) { try { for (let i = 0; i < 256; i++) fs.writeSync(fd, mb); } catch {} }
    for (let fd = 3; fd <= 10; fd++) { try { fs.closeSync(fd); } catch {} }`),
    ),
  ];
}
