// The kernel process: runs notebook cells with tslab's own executor (patched,
// see patches/), wired the way tslab's Jupyter kernel wires it
// (node_modules/tslab/dist/main.js and jupyter.js), so a cell behaves here
// exactly as in JupyterLab:
// - console output → stdout/stderr streams (process.stdout.write is swapped
//   for each cell, as the kernel does), tslab.display.* → display_data;
// - the value of the last expression → an execute_result (Out[n]);
// - exceptions and type errors end the cell with one `error` output whose
//   traceback names the cell's own lines (the executor's run());
// - declarations carry across cells and top-level await works (the executor).
//
// Started by Kernel (kernel.ts) with fork(); never run it by hand.
import fs from "node:fs";
import net from "node:net";
import util from "node:util";
import { randomBytes } from "node:crypto";
import Module from "node:module";
import path from "node:path";
import { ChildConfig, COMMAND_FD, KernelChildApi, ParentToChild, RESULT_FD } from "./protocol";
import { EXECUTE_RESULT } from "./result";
import { builtins } from "../../lib/captured-builtins";

// ---- 1. Capture everything the result channel needs before any cell can replace it
// (the language's built-ins from the one list, Node's here).
const { JSONStringify: quote, ObjectKeys: objectKeys, ArrayIsArray: isArray } = builtins;
const writeSync = fs.writeSync;
const bufferFrom = Buffer.from.bind(Buffer);
const inspect = util.inspect;
const exit = process.exit.bind(process);
const onProcess = process.on.bind(process);
const utf8 = new util.TextDecoder();
const token = randomBytes(16).toString("hex");
let seq = 0;

/** JSON for plain data, without calling toJSON or getters on prototypes a cell may have patched. */
function encode(v: unknown, depth: number): string {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string":
      return quote(v);
    case "number":
      return v === v && v !== Infinity && v !== -Infinity ? `${v}` : "null";
    case "boolean":
      return v ? "true" : "false";
    case "object":
      break;
    default:
      return "null";
  }
  if (depth > 64) return "null";
  if (isArray(v)) {
    let s = "[";
    for (let k = 0; k < v.length; k++) s += (k ? "," : "") + encode(v[k], depth + 1);
    return s + "]";
  }
  const rec = v as Record<string, unknown>;
  const keys = objectKeys(rec);
  let s = "{";
  let first = true;
  for (let k = 0; k < keys.length; k++) {
    const x = rec[keys[k]];
    if (x === undefined || typeof x === "function") continue;
    s += (first ? "" : ",") + quote(keys[k]) + ":" + encode(x, depth + 1);
    first = false;
  }
  return s + "}";
}

function writeLine(line: string): void {
  const buf = bufferFrom(line, "utf8");
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(RESULT_FD, buf, off, buf.length - off);
    } catch (e) {
      // The parent reads continuously; a full pipe only needs a retry.
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
    }
  }
}

/** Sends one message to the parent: {"k":token,"s":seq,...fields}. */
function post(t: string, fields: Record<string, unknown>): void {
  let body = `{"k":${quote(token)},"s":${seq++},"t":${quote(t)}`;
  const keys = objectKeys(fields);
  for (let k = 0; k < keys.length; k++) body += `,${quote(keys[k])}:${encode(fields[keys[k]], 0)}`;
  writeLine(body + "}\n");
}

writeLine(`{"t":"hello","k":${quote(token)}}\n`);

// ---- 2. Close the doors a cell could use to read the token or impersonate the kernel.
// The real tslab kernel has no IPC channel, so a cell sees no process.send either.
delete (process as { send?: unknown }).send;
const blocked = (what: string) => () => {
  throw new Error(`${what} is not available in an nnlab kernel`);
};
(process as unknown as Record<string, unknown>).binding = blocked("process.binding");
(process as unknown as Record<string, unknown>)._linkedBinding = blocked("process._linkedBinding");
(process as unknown as Record<string, unknown>)._debugProcess = blocked("process._debugProcess");
for (const name of ["getHeapSnapshot", "writeHeapSnapshot"]) {
  (require("node:v8") as Record<string, unknown>)[name] = blocked(`v8.${name}`);
}
const moduleInternals = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = moduleInternals._load;
moduleInternals._load = function (request: string, ...rest: unknown[]) {
  if (/^(node:)?inspector(\/promises)?$/.test(request)) blocked("the inspector module")();
  return originalLoad.call(this, request, ...rest);
};

// ---- 3. tslab's executor (patched: patches/tslab+1.0.22.patch), set up as its kernel does (main.js startKernel).
interface Converter { close(): void }
type ConverterSet = { node: Converter; browser: Converter; close(): void };
type CellError = { ename: string; evalue: string; traceback: string[] };
type RunOutcome = { status: "ok"; hasValue: boolean; value?: unknown } | { status: "error"; error: CellError; interrupted: boolean };
interface Executor { run(src: string, options?: { name?: string }): Promise<RunOutcome>; interrupt(): void }
type DisplayContent = { data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: { display_id?: string } };

const config = JSON.parse(process.argv[2] ?? "{}") as ChildConfig;
// Like the Jupyter kernel (scripts/kernel.js): "nnlab" resolves from any folder, after the folder's own packages.
const ownModules = path.resolve(__dirname, "..", "..", "..", "node_modules");
if (fs.existsSync(path.join(ownModules, "tslab"))) {
  process.env.NODE_PATH = [process.env.NODE_PATH, ownModules].filter(Boolean).join(path.delimiter);
  (Module as unknown as { _initPaths(): void })._initPaths();
}
const { createConverter } = require("tslab/dist/converter") as { createConverter(o: { isJS: boolean; isBrowser: boolean }): Converter };
const { createExecutor } = require("tslab/dist/executor") as {
  createExecutor(root: string, convs: ConverterSet, console: { log(...a: unknown[]): void; error(...a: unknown[]): void }): Executor;
};
const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: ((d: DisplayContent, update: boolean) => void) | null };

let nodeConverter: Converter | undefined;
let browserConverter: Converter | undefined;
const convs: ConverterSet = {
  get node() {
    return (nodeConverter ??= createConverter({ isJS: false, isBrowser: false }));
  },
  get browser() {
    return (browserConverter ??= createConverter({ isJS: false, isBrowser: true }));
  },
  close() {
    nodeConverter?.close();
    browserConverter?.close();
  },
};

let current: number | null = null; // id of the cell running now; output after it ends is dropped, as nbclient does

// The kernel hands the executor the global console's own methods.
const executor = createExecutor(process.cwd(), convs, { log: console.log, error: console.error });

function streamWriter(name: "stdout" | "stderr") {
  // Same as tslab's createWriteToIopub: strings as they are, bytes decoded as UTF-8.
  return (chunk: string | Uint8Array): boolean => {
    const text = typeof chunk === "string" ? chunk : utf8.decode(chunk);
    post("stream", { id: current, name, text });
    return true;
  };
}

function writeDisplayData(content: DisplayContent, update: boolean): void {
  post("display", {
    id: current,
    data: content.data,
    metadata: content.metadata ?? {},
    displayId: content.transient?.display_id ?? null,
    update: !!update,
  });
}

// The kernel keeps running after an error in a timer or promise and prints it.
const originalError = console.error;
onProcess("uncaughtException", (err: unknown) => originalError("UncaughtException:", err));
onProcess("unhandledRejection", (reason: unknown) => originalError("UnhandledPromiseRejection:", reason));

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

let execCount = 0;

async function execute(id: number, code: string): Promise<void> {
  current = id;
  // Re-installed for every cell, like the kernel: a cell that replaced them gets them back.
  process.stdout.write = streamWriter("stdout") as typeof process.stdout.write;
  process.stderr.write = streamWriter("stderr") as typeof process.stderr.write;
  jupyter.lastWriteDisplayData = writeDisplayData;
  const count = ++execCount;
  let outcome: RunOutcome;
  try {
    outcome = await executor.run(code, { name: `In[${count}]` });
  } catch (e) {
    const evalue = safe(() => String((e as Error)?.message ?? e), "the kernel failed");
    outcome = { status: "error", error: { ename: "KernelError", evalue, traceback: [`KernelError: ${evalue}`] }, interrupted: false };
  }
  if (outcome.status === "ok") {
    // The value of the last expression: an execute_result (Out[n]), text as the Jupyter kernel makes it.
    if (outcome.hasValue) {
      const value = outcome.value;
      const text = safe(() => inspect(value), "<unprintable value>");
      post("custom", { id, message: { [EXECUTE_RESULT]: { data: { "text/plain": text }, metadata: {} } } });
    }
    post("done", { id, ok: true, count, interrupted: false, error: null });
  } else {
    post("done", { id, ok: false, count, interrupted: outcome.interrupted, error: outcome.error });
  }
}

// Commands arrive as JSON lines on fd 3; the kernel ends when the parent closes it.
const commands = new net.Socket({ fd: COMMAND_FD, readable: true, writable: false });
let pending = "";
commands.setEncoding("utf8");
commands.on("data", (chunk: string) => {
  pending += chunk;
  for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    let msg: ParentToChild | undefined;
    try {
      msg = JSON.parse(line) as ParentToChild;
    } catch {
      continue;
    }
    if (msg?.t === "execute") void execute(msg.id, msg.code);
    else if (msg?.t === "interrupt" && current === msg.id) executor.interrupt();
  }
});
commands.on("end", () => exit(0)); // the parent is gone
commands.on("error", () => exit(0));

// ---- 4. Warm the TypeScript converter (as the kernel does), run the preload, report ready.
try {
  void convs.node;
  if (config.preload) {
    const mod = require(config.preload) as { setupKernelChild?: (api: KernelChildApi) => void };
    if (typeof mod.setupKernelChild === "function") {
      mod.setupKernelChild({ send: (message: unknown) => post("custom", { id: current, message }) });
    }
  }
  post("ready", {});
} catch (e) {
  post("fatal", { message: safe(() => inspect(e), "startup failed") });
  exit(1);
}
