// Both cores for large products: a worker thread takes part of C's rows.
//
// The product kernel (product.wat) is instantiated twice on one shared
// WebAssembly memory, here and in a worker thread. A product is cut into
// chunks of C's rows, which are independent; each thread claims the next
// unclaimed chunk and runs the kernel's productRows on it. So a worker that
// is slow to wake or still starting costs nothing: the main thread then
// claims every chunk itself, and it only ever waits for chunks the worker
// has already claimed. Every entry is computed by the same code either way:
// the numbers do not depend on who did which chunk.
//
// The worker starts at the first large product, is unref'd (it never keeps a
// process alive) and sleeps in Atomics.wait between products. Where workers
// are not allowed (Node's permission model without --allow-worker, as in the
// grader's sandbox; browsers) none is started and products stay on one thread.
import { productSharedWasmBase64 } from "./product-wasm";

/** The kernel's exports that run products (product.wat). */
export interface ProductKernel {
  transpose(src: number, rows: number, cols: number, dst: number): void;
  productRows(i0: number, i1: number, a: number, transposed: number, n: number, m: number, p: number, b: number, c: number, start: number, records: number, kb: number): void;
}

/** productRows' arguments after the row range: a, transposed, n, m, p, b, c, start, records, kb. */
export type RowsArguments = [number, number, number, number, number, number, number, number, number, number];

/** The WebAssembly module behind a base64 string. */
export function wasmModule(base64: string): WebAssembly.Module {
  return new WebAssembly.Module(Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0)));
}

// The control block both threads share (Int32Array slots). CLAIM holds the
// current job's number in its high bits and its next unclaimed chunk in the
// low 11 (PENDING: announced, not posted yet); the worker sleeps on CLAIM, so
// every change of it wakes the worker. WORKED counts the chunks the worker ran.
const CLAIM = 0, DONE = 1, CHUNKS = 2, CHUNK_ROWS = 3, FAILED = 4, WORKED = 5, ARGS = 6;
const SLOTS = ARGS + 10;
const PENDING = 0x7ff;
/** At most this many chunks per product (CLAIM's low bits, below PENDING). */
const MAX_CHUNKS = PENDING - 1;
/** A chunk claimed by the worker and not finished after this long means the worker is gone. */
const GIVE_UP_MS = 20_000;
/**
 * How long a thread keeps looking before it sleeps: the worker for its next
 * job after a product and for the job after an announcement, the main thread
 * for the worker's last chunk. A sleeping core of this virtual machine often
 * took longer to wake than a whole product (the worker then took no chunk of
 * X·W(1) at all), so, like the OpenMP threads behind PyTorch, the worker stays
 * awake while products keep coming — training asks for one every half
 * millisecond or so — at the price of CPU time spent looking.
 */
const SPIN_MS = 1;

/**
 * Claims chunks of job `job` and runs them until none is left, and returns
 * how many it ran; both threads run it (the worker gets its source text, so
 * it may use nothing from outside but its arguments and the slot numbers above).
 */
function runChunks(kernel: ProductKernel, ctl: Int32Array, job: number): number {
  let ran = 0;
  for (;;) {
    const claim = Atomics.load(ctl, CLAIM);
    const q = claim & 0x7ff;
    if (claim >>> 11 !== (job & 0xfffff) || q >= ctl[CHUNKS]) return ran; // a newer job, or every chunk taken
    if (Atomics.compareExchange(ctl, CLAIM, claim, claim + 1) !== claim) continue; // the other thread took it
    const i0 = q * ctl[CHUNK_ROWS];
    const i1 = Math.min(ctl[ARGS + 2], i0 + ctl[CHUNK_ROWS]);
    const a = ctl.subarray(ARGS, SLOTS);
    kernel.productRows(i0, i1, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
    ran++;
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
}

/**
 * The worker thread: instantiates the kernel on the shared memory, then
 * sleeps until a product is announced and runs its chunks.
 */
const workerSource = `"use strict";
const { workerData, parentPort } = require("node:worker_threads");
const { module, memory, control } = workerData;
const { CLAIM, DONE, CHUNKS, CHUNK_ROWS, FAILED, WORKED, ARGS, SLOTS, PENDING, SPIN_MS } = workerData.constants;
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control);
${runChunks.toString()}
let lastJob = -1;
let claim = Atomics.load(ctl, CLAIM);
parentPort.postMessage("ready");
for (;;) {
  const job = claim >>> 11;
  if (job !== lastJob && (claim & 0x7ff) !== PENDING) {
    lastJob = job;
    try {
      Atomics.add(ctl, WORKED, runChunks(kernel, ctl, job));
    } catch (e) {
      Atomics.store(ctl, FAILED, 1); // the main thread stops waiting and redoes the product
      Atomics.notify(ctl, DONE);
      throw e;
    }
    claim = watch(Atomics.load(ctl, CLAIM), SPIN_MS); // the next product comes soon while training
    continue;
  }
  if (job !== lastJob) {
    // Announced as the main thread starts copying the operands in: the job follows shortly.
    const announced = claim;
    claim = watch(claim, SPIN_MS);
    if (claim !== announced) continue;
  }
  Atomics.wait(ctl, CLAIM, claim); // until the main thread writes CLAIM again
  claim = Atomics.load(ctl, CLAIM);
}
/** CLAIM once it differs from seen, or seen after ms milliseconds of looking. */
function watch(seen, ms) {
  const until = performance.now() + ms;
  let now = seen;
  while (now === seen && performance.now() < until) now = Atomics.load(ctl, CLAIM);
  return now;
}
`;

/** Whether this runtime may start a worker thread (Node, and not forbidden by its permission model). */
function workerThreads(): typeof import("node:worker_threads") | null {
  if (typeof process === "undefined" || !process.versions?.node) return null;
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  if (permission && !permission.has("worker")) return null;
  try {
    return require("node:worker_threads") as typeof import("node:worker_threads");
  } catch {
    return null;
  }
}

/** The kernel on shared memory, and the worker that shares its work. */
export class SharedProducts {
  readonly memory = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared: true });
  readonly kernel: ProductKernel;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(4 * SLOTS));
  /** Settles when the worker is ready to take chunks (rejects if it failed to start). */
  readonly ready: Promise<void>;
  private job = 0;
  /** The job announced by wake() and not posted yet. */
  private announced: number | null = null;
  private broken = false;

  constructor(threads: typeof import("node:worker_threads")) {
    const module = wasmModule(productSharedWasmBase64);
    this.kernel = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as ProductKernel;
    const constants = { CLAIM, DONE, CHUNKS, CHUNK_ROWS, FAILED, WORKED, ARGS, SLOTS, PENDING, SPIN_MS };
    const worker = new threads.Worker(workerSource, { eval: true, workerData: { module, memory: this.memory, control: this.ctl.buffer, constants } });
    worker.unref();
    this.ready = new Promise((resolve, reject) => {
      worker.once("message", () => resolve());
      // A worker that failed to start has claimed nothing: later products just stop offering it work.
      worker.once("error", (e) => {
        this.broken = true;
        reject(e);
      });
      worker.once("exit", () => {
        this.broken = true;
        reject(new Error("the product worker stopped"));
      });
    });
    this.ready.catch(() => undefined); // nobody need wait for it
  }

  /** Chunks the worker has run so far, over all products. */
  get workerChunks(): number {
    return Atomics.load(this.ctl, WORKED);
  }

  /** False once the worker has failed: the caller should then use its single-threaded kernel. */
  get usable(): boolean {
    return !this.broken;
  }

  /** Wakes the worker ahead of a product, so that it is ready by the time the operands are in. */
  wake(): void {
    this.announced = ++this.job;
    this.post(this.announced, PENDING);
  }

  /**
   * Runs productRows over rows 0..n−1 in chunks of `chunkRows`, on both
   * threads (on the worker alone with mainJoins false, for tests). Returns
   * false (and gives up on the worker) if the worker failed or stopped in the
   * middle of a chunk; the result is then incomplete.
   */
  rows(n: number, chunkRows: number, args: RowsArguments, mainJoins = true): boolean {
    const ctl = this.ctl;
    const chunks = Math.ceil(n / chunkRows);
    if (chunks > MAX_CHUNKS) throw new RangeError(`SharedProducts: ${chunks} chunks, at most ${MAX_CHUNKS}`);
    const job = this.announced ?? ++this.job;
    this.announced = null;
    ctl.set(args, ARGS);
    ctl[CHUNKS] = chunks;
    ctl[CHUNK_ROWS] = chunkRows;
    Atomics.store(ctl, DONE, 0);
    this.post(job, 0);
    if (mainJoins) runChunks(this.kernel, ctl, job);
    const started = performance.now();
    for (let done = Atomics.load(ctl, DONE); done < chunks; done = Atomics.load(ctl, DONE)) {
      const waited = performance.now() - started;
      if (Atomics.load(ctl, FAILED) || waited > GIVE_UP_MS) {
        this.broken = true;
        return false;
      }
      if (waited > SPIN_MS) Atomics.wait(ctl, DONE, done, 10);
    }
    return true;
  }

  /** Sets CLAIM to `job` and its next chunk `q`, waking the worker if it sleeps. */
  private post(job: number, q: number): void {
    Atomics.store(this.ctl, CLAIM, ((job & 0xfffff) << 11) | q);
    Atomics.notify(this.ctl, CLAIM);
  }
}

let shared: SharedProducts | null | undefined; // undefined: not tried yet, null: no worker here

/** The two-thread product kernel, started on first use; null where no worker may run or it has failed. */
export function sharedProducts(): SharedProducts | null {
  if (shared === undefined) {
    const threads = workerThreads();
    try {
      shared = threads ? new SharedProducts(threads) : null;
    } catch {
      shared = null; // e.g. Worker creation refused, or no shared WebAssembly memory
    }
  }
  if (shared && !shared.usable) shared = null;
  return shared;
}
