// Choosing where TensorFlow.js computes: the fastest backend that works here.
//
//   "tensorflow"  @tensorflow/tfjs-node, native libtensorflow — an optional
//                 dependency: its install downloads libtensorflow, which fails
//                 without internet, so it is often absent (or present without
//                 its native addon). Loaded inside try/catch.
//   "wasm"        @tensorflow/tfjs-backend-wasm: a WebAssembly build shipped in
//                 the npm package; the .wasm files are read from node_modules.
//   "cpu"         plain JavaScript, always available, slowest.
//
// Where tfjs-node's own install cannot download libtensorflow,
// `npm run setup:tfjs-node` builds it from PyPI's TensorFlow wheel (README).
// NNLAB_TFJS_BACKEND=tensorflow|wasm|cpu puts one backend first (e.g. to run a
// notebook or the benchmark on wasm where tfjs-node works); the others remain fallbacks.
//
// tfjs itself is required on first use, not at import time, so that
// `import … from "nnlab"` stays quick for code that never touches tfjs.
import type * as tfTypes from "@tensorflow/tfjs";
import * as path from "node:path";
import { restoreRemovedUtilHelpers } from "./node-compat";

export type Tf = typeof tfTypes;
export type BackendName = "tensorflow" | "wasm" | "cpu";

let tfModule: Tf | null = null;

/** The @tensorflow/tfjs module (loaded on first call; the same instance everywhere). */
export function tfjs(): Tf {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (tfModule === null) tfModule = require("@tensorflow/tfjs") as Tf;
  return tfModule;
}

interface Attempt {
  name: BackendName;
  /** Why it could not be used (set when it failed). */
  failure?: string;
}

let active: { name: BackendName; note: string; reasons: string[] } | null = null;
let pending: Promise<BackendName> | null = null;
let wasmPathsSet = false;

/** The backend loadBackend chose, or null before the first call. */
export function activeBackend(): BackendName | null {
  return active?.name ?? null;
}

/** Why each backend tried before the active one could not be used (e.g. "tfjs-node not installed"). */
export function backendFallbackReasons(): string[] {
  return active ? [...active.reasons] : [];
}

/** The one-line message loadBackend logged, e.g. "nnlab: TensorFlow.js backend = wasm (tfjs-node unavailable)". */
export function backendMessage(): string | null {
  return active ? `nnlab: TensorFlow.js backend = ${active.name}${active.note ? ` (${active.note})` : ""}` : null;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0].slice(0, 160);
}

const SETUP_HINT = "(npm run setup:tfjs-node builds it)";

/** Loads tfjs-node if it is installed and its native addon works; reports why not otherwise. */
function tryTfjsNode(): string | undefined {
  // TensorFlow's C++ runtime prints start-up notices on stderr (oneDNN, CPU
  // features), which would land in every notebook that loads it. Level 2 hides
  // its info lines; oneDNN's notice goes only with oneDNN off, which also makes
  // results independent of oneDNN's summation order. A user's own setting wins.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
  process.env.TF_ENABLE_ONEDNN_OPTS ??= "0";
  restoreRemovedUtilHelpers();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("@tensorflow/tfjs-node");
    return tfjs().findBackend("tensorflow") ? undefined : "tfjs-node loaded but registered no backend";
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "MODULE_NOT_FOUND" && /@tensorflow\/tfjs-node['"]/.test(firstLine(e))) return `tfjs-node not installed ${SETUP_HINT}`;
    if (/native addon|tfjs_binding/.test(firstLine(e))) return `tfjs-node installed without its native addon ${SETUP_HINT}`;
    return `tfjs-node failed to load: ${firstLine(e)}`;
  }
}

/**
 * Registers the wasm backend, pointing it at the .wasm binaries inside
 * node_modules (under Node it would otherwise look next to the bundle, and a
 * browser build would fetch them from a URL).
 */
function prepareWasm(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
  if (!wasmPathsSet) {
    const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
    wasm.setWasmPaths(dir + path.sep);
    wasmPathsSet = true;
  }
}

async function trySetBackend(name: BackendName): Promise<string | undefined> {
  const tf = tfjs();
  try {
    if (name === "tensorflow") {
      const why = tryTfjsNode();
      if (why) return why;
    }
    if (name === "wasm") prepareWasm();
    const ok = await tf.setBackend(name);
    if (!ok) return `${name} failed to initialise`;
    await tf.ready();
    return undefined;
  } catch (e) {
    return `${name} failed: ${firstLine(e)}`;
  }
}

const fallbackOrder: BackendName[] = ["tensorflow", "wasm", "cpu"];

/** The backend NNLAB_TFJS_BACKEND asks for, if set; a clear error if it names none. */
export function backendFromEnv(env: NodeJS.ProcessEnv = process.env): BackendName | undefined {
  const value = env.NNLAB_TFJS_BACKEND?.trim();
  if (!value) return undefined;
  if (!fallbackOrder.includes(value as BackendName)) {
    throw new RangeError(`NNLAB_TFJS_BACKEND="${value}" is not a TensorFlow.js backend; use one of ${fallbackOrder.join(", ")} (or unset it)`);
  }
  return value as BackendName;
}

/**
 * Picks and activates a tfjs backend: `preferred` first if given (else the
 * NNLAB_TFJS_BACKEND environment variable's), then tfjs-node, wasm, cpu.
 * Logs the choice once (`quiet` silences it) and returns its name. Calling it
 * again is cheap and returns the same backend, unless a different `preferred`
 * backend is asked for. Why skipped backends failed: backendFallbackReasons().
 */
export async function loadBackend(preferred?: BackendName, opts: { quiet?: boolean } = {}): Promise<BackendName> {
  if (preferred !== undefined && !fallbackOrder.includes(preferred)) {
    throw new RangeError(`loadBackend: unknown backend "${preferred}"; choose one of ${fallbackOrder.join(", ")}`);
  }
  // Only the first choice follows the variable: later calls keep what it chose.
  if (preferred === undefined && !active) preferred = backendFromEnv();
  if (pending) await pending.catch(() => undefined);
  if (active && (preferred === undefined || preferred === active.name)) {
    // Someone may have switched tfjs directly (tf.setBackend): switch back.
    if (tfjs().getBackend() !== active.name) await tfjs().setBackend(active.name);
    return active.name;
  }
  pending = (async () => {
    const order = preferred ? [preferred, ...fallbackOrder.filter((b) => b !== preferred)] : fallbackOrder;
    const attempts: Attempt[] = [];
    for (const name of order) {
      const failure = await trySetBackend(name);
      attempts.push({ name, failure });
      if (failure === undefined) {
        const failed = attempts.filter((a) => a.failure);
        // The logged line names what was skipped, not why: the why differs from one
        // install to the next, and notebooks are committed with this line in them.
        const note = failed.length ? `${failed.map((a) => (a.name === "tensorflow" ? "tfjs-node" : a.name)).join(", ")} unavailable` : "";
        active = { name, note, reasons: failed.map((a) => a.failure as string) };
        if (!opts.quiet) console.log(backendMessage());
        return name;
      }
    }
    throw new Error(`loadBackend: no TensorFlow.js backend could start: ${attempts.map((a) => a.failure).join("; ")}`);
  })();
  try {
    return await pending;
  } finally {
    pending = null;
  }
}

/** A "kernel not registered" error: the backend lacks an operation (often a *Grad kernel). */
export function isMissingKernelError(e: unknown): boolean {
  return /Kernel '[^']+' not registered for backend/.test(e instanceof Error ? e.message : String(e));
}

/**
 * Runs `fn` with tfjs temporarily switched to `backend`, then switches back
 * (used to redo a computation on "cpu" when the active backend lacks a kernel).
 * Tensors made inside should be created and disposed inside `fn`.
 */
export async function withBackend<T>(backend: BackendName, fn: () => T | Promise<T>): Promise<T> {
  const tf = tfjs();
  const previous = tf.getBackend();
  if (backend === "wasm") prepareWasm();
  if (!(await tf.setBackend(backend))) throw new Error(`withBackend: tfjs backend "${backend}" could not start`);
  try {
    return await fn();
  } finally {
    if (previous && previous !== backend) await tf.setBackend(previous);
  }
}
