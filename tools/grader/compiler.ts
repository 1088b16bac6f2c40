// Converting cells once for the whole batch.
//
// tslab turns each cell into JavaScript with the TypeScript compiler, type-
// checking it against the declarations of the cells before it (`prevDecl`).
// The result depends only on (prevDecl, cell source), and in a class most of
// those pairs repeat: every student has the same setup and test cells, and
// students who declare the same signatures have the same prevDecl. So the
// grader keeps a few warm converter processes and a cache, and the sandboxed
// kernels only execute (see sandbox/precompiled.ts).
import { ChildProcess, fork } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { LRUCache } from "lru-cache";
import { DEFAULT_CELL_TIMEOUT_MS } from "../engine/limits";

export interface Diagnostic {
  start: { offset: number; line: number; character: number };
  end: { offset: number; line: number; character: number };
  messageText: string;
  category: number;
  code: number;
  fileName?: string;
}

/** tslab's ConvertResult (converter.d.ts), as sent between processes. */
export interface ConvertResult {
  output?: string;
  declOutput?: string;
  diagnostics: Diagnostic[];
  hasToplevelAwait?: boolean;
  lastExpressionVar?: string;
  /** Maps the JavaScript back to the cell (patched tslab), so tracebacks name the cell's own lines. */
  sourceMap?: unknown;
  sideOutputs?: { path: string; data: string }[];
}

interface Pending {
  resolve: (r: ConvertResult) => void;
  timer?: NodeJS.Timeout;
}

/** A result that says the converter itself failed (not the cell): never cached, and its process is replaced. */
const CONVERTER_FAILED = Symbol("converter failed");
type Converted = ConvertResult & { [CONVERTER_FAILED]?: true };

function converterFailure(messageText: string): Converted {
  return { diagnostics: [diagnostic(messageText)], [CONVERTER_FAILED]: true };
}

class Worker {
  private pending = new Map<number, Pending>();
  private nextId = 0;
  readonly ready: Promise<void>;
  dead = false;
  /** Given to one conversion at a time (pool.acquire), so a cell's time limit starts when its conversion does. */
  busy = false;

  constructor(private readonly child: ChildProcess) {
    this.ready = new Promise<void>((resolve, reject) => {
      child.once("message", (m: { ready?: boolean }) => (m?.ready ? resolve() : reject(new Error("compiler did not start"))));
      child.once("exit", (code) => reject(new Error(`the TypeScript compiler process exited (code ${code}) while starting`)));
    });
    child.on("message", (m: { id?: number; result?: ConvertResult; failed?: boolean }) => {
      if (typeof m?.id !== "number") return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      clearTimeout(p?.timer);
      if (!p) return;
      if (m.failed || !m.result) p.resolve(converterFailure(m.result?.diagnostics?.[0]?.messageText ?? "the TypeScript converter sent no result"));
      else p.resolve(m.result);
    });
    child.on("exit", () => {
      this.dead = true;
      for (const p of this.pending.values()) (clearTimeout(p.timer), p.resolve(converterFailure("the TypeScript converter process stopped while converting this cell")));
      this.pending.clear();
    });
  }

  get load(): number {
    return this.pending.size;
  }

  /** Converts one cell; past `timeoutMs` the process is killed (a cell must not hold the converter). */
  async convert(prevDecl: string, src: string, timeoutMs: number): Promise<Converted> {
    try {
      await this.ready; // a fresh process's start-up does not count against the cell
    } catch (e) {
      return converterFailure(`the TypeScript converter did not start: ${(e as Error).message}`);
    }
    return new Promise((resolve) => {
      const id = ++this.nextId;
      const pending: Pending = { resolve };
      this.pending.set(id, pending);
      pending.timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(converterFailure(`converting this cell to JavaScript took longer than ${Math.round(timeoutMs / 100) / 10} s`));
        void this.kill();
      }, timeoutMs);
      try {
        this.child.send({ id, prevDecl, src });
      } catch {
        this.pending.delete(id);
        clearTimeout(pending.timer);
        resolve(converterFailure("the TypeScript converter process is not running"));
      }
    });
  }

  /** Stops the process and waits until it is gone (so its CPU time is accounted to us). */
  kill(): Promise<void> {
    this.dead = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGKILL");
    return gone;
  }
}

export function diagnostic(messageText: string): Diagnostic {
  const at = { offset: 0, line: 0, character: 0 };
  return { start: at, end: at, messageText, category: 1, code: 0 };
}

export interface CompilerOptions {
  /** Number of converter processes (default 1). With one per grading job, no submission ever waits for another's conversion. */
  workers?: number;
  /** An empty directory that can resolve node_modules (the converter's working directory). */
  cwd: string;
  /** Cached conversions kept in memory (default 20 000). */
  cacheSize?: number;
}

export class CompilerPool {
  /** Conversions by hash of (prevDecl, cell), least recently used dropped first. */
  private readonly cache: LRUCache<string, Promise<ConvertResult>>;
  private waiting: (() => void)[] = [];
  hits = 0;
  misses = 0;

  private constructor(
    private workers: Worker[],
    private readonly opts: CompilerOptions,
  ) {
    this.cache = new LRUCache({ max: opts.cacheSize ?? 20_000 });
  }

  static async start(opts: CompilerOptions): Promise<CompilerPool> {
    const n = Math.max(1, opts.workers ?? 1);
    const workers = Array.from({ length: n }, () => spawnWorker(opts.cwd));
    const pool = new CompilerPool(workers, opts);
    try {
      await Promise.all(workers.map((w) => w.ready));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /**
   * tslab's converter.convert(prevDecl, src), from the cache when this pair was seen before.
   * A conversion that fails in the converter itself (crash, time limit) is not cached, and
   * its process is replaced: one submission's cell can never leave a broken converter to the next.
   */
  convert(prevDecl: string, src: string, timeoutMs = DEFAULT_CELL_TIMEOUT_MS): Promise<ConvertResult> {
    const key = createHash("sha1").update(prevDecl).update("\0").update(src).digest("hex");
    const hit = this.cache.get(key); // also marks it as recently used
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const result = this.acquire().then(async (worker) => {
      try {
        const r = await worker.convert(prevDecl, src, timeoutMs);
        if (r[CONVERTER_FAILED]) {
          this.cache.delete(key);
          await worker.kill();
        }
        return checkSideOutputs(r);
      } finally {
        this.release(worker);
      }
    });
    this.cache.set(key, result);
    return result;
  }

  /** An idle converter (a dead one is replaced first); waits while all are busy. */
  private async acquire(): Promise<Worker> {
    for (;;) {
      this.workers = this.workers.map((w) => (w.dead && !w.busy ? spawnWorker(this.opts.cwd) : w));
      const idle = this.workers.find((w) => !w.busy && !w.dead);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(worker: Worker): void {
    worker.busy = false;
    this.waiting.shift()?.();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.kill()));
  }
}

/** A cell that imports local .ts files would need them in the kernel too; grading runs single notebooks. */
function checkSideOutputs(r: ConvertResult): ConvertResult {
  if (!r.sideOutputs?.length) return r;
  return { diagnostics: [diagnostic("importing local TypeScript files is not supported when grading; submit a single notebook")] };
}

function spawnWorker(cwd: string): Worker {
  const child = fork(builtScript("compile-server.js"), [], {
    cwd,
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    serialization: "advanced",
  });
  return new Worker(child);
}

/** A compiled module of the grader (dist/tools/grader/...), also when running from the tools/ sources in tests. */
export function builtScript(relative: string): string {
  const here = path.join(__dirname, relative);
  if (here.endsWith(".js") && fs.existsSync(here) && __filename.endsWith(".js")) return here;
  const built = path.resolve(__dirname, "..", "..", "dist", "tools", "grader", relative);
  if (!fs.existsSync(built)) throw new Error(`cannot find ${built}; run \`npm run build\` first`);
  // Running from tools/*.ts (tests): a script compiled from older sources would test the wrong code.
  const source = path.join(__dirname, relative.replace(/\.js$/, ".ts"));
  if (fs.existsSync(source) && fs.statSync(source).mtimeMs > fs.statSync(built).mtimeMs) {
    throw new Error(`${built} is older than ${source}; run \`npm run build\``);
  }
  return built;
}
