// Kernel: one notebook kernel in a child process (child.ts) that the parent
// controls completely. A cell that loops forever, awaits forever, exits the
// process, floods the output or eats memory ends as a CellExecution with a
// clear error; the parent never hangs.
import { ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { Output } from "../notebook/types";
import { ChildConfig, ChildToParent, COMMAND_FD, DisplayMsg, ParentToChild, RESULT_FD } from "./protocol";
import { DEFAULT_CELL_TIMEOUT_MS } from "./limits";
import { CellError, appendStream, describe, errorOutput, formatBytes, timeoutError } from "./outputs";

export { formatSeconds } from "./outputs";

export interface KernelOptions {
  /** Working directory of the kernel: the notebook's folder (relative paths behave as in Jupyter). */
  cwd: string;
  /** Per-cell time limit (default 30 000 ms). */
  cellTimeoutMs?: number;
  /** V8 heap limit for the kernel process (--max-old-space-size). The TypeScript compiler alone needs ~300 MB. */
  maxOldSpaceMb?: number;
  /** Kill the kernel when its resident memory (heap, buffers and all) exceeds this (Linux only). */
  maxRssMb?: number;
  /** Total bytes of output the kernel may produce before it is killed (default 64 MiB). */
  maxOutputBytes?: number;
  /** Extra node flags, e.g. permission-model flags. */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Absolute path of a module required in the child before any cell runs; if it exports
   *  `setupKernelChild(api)`, it gets `api.send(msg)` to send messages to `Kernel.onMessage`. */
  preload?: string;
  /** How long the kernel may take to start (default 60 000 ms). */
  startTimeoutMs?: number;
}

export type CellStatus = "ok" | "error" | "timeout" | "died" | "output_limit";

export interface CellExecution {
  status: CellStatus;
  /** nbformat outputs, streams merged as JupyterLab merges them; an error output last if the cell failed. */
  outputs: Output[];
  executionCount: number | null;
  durationMs: number;
  error?: CellError;
  /** Messages the preload sent (api.send) while this cell ran. */
  messages: unknown[];
}

export class KernelStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KernelStartError";
  }
}

const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** After a timeout we first interrupt (frees an endless await); a busy loop needs a kill. */
const INTERRUPT_GRACE_MS = 1_000;
const TAIL_BYTES = 16 * 1024;

// Kernels must not outlive the program that started them.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    process.once("exit", () => liveChildren.forEach((c) => c.kill("SIGKILL")));
    exitHookInstalled = true;
  }
  liveChildren.add(child);
}

interface Running {
  id: number;
  count: number;
  started: number;
  outputs: Output[];
  messages: unknown[];
  timer?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
  timeoutMs: number;
  timedOut: boolean;
  resolve: (r: CellExecution) => void;
}

export class Kernel {
  /** Called for every message a preload module sends (also those between cells). */
  onMessage?: (msg: unknown) => void;

  private token: string | undefined;
  private seq = 0;
  private lineParts: string[] = [];
  private decoder = new StringDecoder("utf8");
  private running: Running | undefined;
  private nextId = 0;
  private executionCount = 0;
  private usedOutput = 0;
  private stderrTail = "";
  private exited = false;
  private exitInfo = "";
  private killReason: "output_limit" | "memory" | "protocol" | "closed" | undefined;
  private displays = new Map<string, Output[]>();
  private readyWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private exitPromise: Promise<void>;
  private rssTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly opts: KernelOptions,
  ) {
    this.exitPromise = new Promise((resolve) => child.once("exit", () => resolve()));
    child.on("exit", (code, signal) => this.onExit(code, signal));
    child.on("error", (err) => this.readyWaiter?.reject(new KernelStartError(`could not start the kernel: ${err.message}`)));
    const results = child.stdio[RESULT_FD] as NodeJS.ReadableStream;
    results.on("data", (chunk: Buffer) => this.onResultData(chunk));
    // The command pipe is ours to write; whatever the child writes back into it is dropped unread.
    const commands = child.stdio[COMMAND_FD] as unknown as NodeJS.ReadWriteStream;
    commands.on("data", (chunk: Buffer) => this.countOutput(chunk.length));
    commands.on("error", () => undefined);
    // Raw stdout/stderr (fd 1/2 written directly, V8's fatal errors): kept as a tail for diagnostics only.
    for (const s of [child.stdout, child.stderr]) {
      s?.on("data", (chunk: Buffer) => {
        this.countOutput(chunk.length);
        this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-TAIL_BYTES);
      });
    }
    if (opts.maxRssMb) this.watchMemory(opts.maxRssMb);
  }

  /** Starts a kernel and waits until it can execute cells. */
  static async start(opts: KernelOptions): Promise<Kernel> {
    if (!fs.existsSync(opts.cwd) || !fs.statSync(opts.cwd).isDirectory()) {
      throw new KernelStartError(`kernel working directory does not exist: ${opts.cwd}`);
    }
    const config: ChildConfig = { preload: opts.preload };
    const execArgv = [...(opts.maxOldSpaceMb ? [`--max-old-space-size=${opts.maxOldSpaceMb}`] : []), ...(opts.nodeArgs ?? [])];
    // No Node IPC channel: the child could write anything into it and Node would parse it in
    // this process. Commands go down a plain pipe (fd 3); results come back on another (fd 4).
    const child = spawn(process.execPath, [...execArgv, childScript(), JSON.stringify(config)], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
    });
    track(child);
    const kernel = new Kernel(child, opts);
    const startTimeout = opts.startTimeoutMs ?? 60_000;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => fail(new KernelStartError(`the kernel did not start within ${startTimeout / 1000} s`)), startTimeout);
        const done = () => (clearTimeout(timer), resolve());
        const fail = (e: Error) => (clearTimeout(timer), reject(e));
        kernel.readyWaiter = { resolve: done, reject: fail };
        kernel.exitPromise.then(() => fail(new KernelStartError(`the kernel exited while starting (${kernel.exitInfo})${kernel.tail()}`)));
      });
    } catch (e) {
      await kernel.close();
      throw e;
    }
    kernel.readyWaiter = undefined;
    return kernel;
  }

  /** Bytes of output (streams, results, raw stdout/stderr) the kernel has produced so far. */
  get outputBytes(): number {
    return this.usedOutput;
  }

  /** True until the kernel process has exited (died, was killed or closed). */
  get alive(): boolean {
    return !this.exited;
  }

  /** Runs one cell. Never rejects for anything the cell does; see CellExecution.status. */
  execute(code: string, opts: { timeoutMs?: number } = {}): Promise<CellExecution> {
    if (this.running) throw new Error("Kernel.execute: another cell is still running");
    if (this.exited) {
      const error = { ename: "KernelDead", evalue: "the kernel is not running (it stopped in an earlier cell)", traceback: [] as string[] };
      error.traceback = [`${error.ename}: ${error.evalue}`];
      return Promise.resolve({ status: "died", outputs: [errorOutput(error)], executionCount: null, durationMs: 0, error, messages: [] });
    }
    const timeoutMs = opts.timeoutMs ?? this.opts.cellTimeoutMs ?? DEFAULT_CELL_TIMEOUT_MS;
    return new Promise<CellExecution>((resolve) => {
      const run: Running = {
        id: ++this.nextId,
        count: ++this.executionCount,
        started: Date.now(),
        outputs: [],
        messages: [],
        timeoutMs,
        timedOut: false,
        resolve,
      };
      this.running = run;
      run.timer = setTimeout(() => this.onTimeout(run), timeoutMs);
      this.send({ t: "execute", id: run.id, code });
    });
  }

  /** Stops the kernel process (idempotent). */
  async close(): Promise<void> {
    if (!this.exited) {
      this.killReason ??= "closed";
      this.child.kill("SIGKILL");
    }
    await this.exitPromise;
  }

  // ------------------------------------------------------------ internals

  private send(msg: ParentToChild): void {
    const commands = this.child.stdio[COMMAND_FD] as NodeJS.WritableStream | null;
    try {
      commands?.write(JSON.stringify(msg) + "\n");
    } catch {
      /* the exit handler reports the dead kernel */
    }
  }

  private onTimeout(run: Running): void {
    run.timedOut = true;
    // An endless await can be interrupted and the kernel kept; a busy loop cannot answer, so it is killed.
    this.send({ t: "interrupt", id: run.id });
    run.killTimer = setTimeout(() => {
      if (this.running === run) this.child.kill("SIGKILL");
    }, INTERRUPT_GRACE_MS);
  }

  private onResultData(chunk: Buffer): void {
    this.countOutput(chunk.length);
    const text = this.decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      this.lineParts.push(text.slice(start, nl));
      const line = this.lineParts.join("");
      this.lineParts = [];
      start = nl + 1;
      this.onLine(line);
      if (this.exited || this.killReason) return;
    }
    if (start < text.length) this.lineParts.push(text.slice(start));
  }

  private onLine(line: string): void {
    let msg: (ChildToParent & { k?: string; s?: number }) | { t: "hello"; k: string };
    try {
      msg = JSON.parse(line);
    } catch {
      return this.protocolViolation();
    }
    if (this.token === undefined) {
      if (msg.t !== "hello" || typeof msg.k !== "string") return this.protocolViolation();
      this.token = msg.k;
      return;
    }
    // Only lines with the token and the next sequence number come from the kernel code itself.
    if (msg.k !== this.token || (msg as { s?: number }).s !== this.seq) return this.protocolViolation();
    this.seq++;
    const m = msg as ChildToParent;
    const run = this.running;
    switch (m.t) {
      case "ready":
        this.readyWaiter?.resolve();
        return;
      case "fatal":
        this.exitInfo = m.message;
        this.readyWaiter?.reject(new KernelStartError(`the kernel failed to start: ${m.message}`));
        return;
      case "custom":
        if (run && m.id === run.id) run.messages.push(m.message);
        try {
          this.onMessage?.(m.message);
        } catch {
          /* a listener's bug must not break the kernel */
        }
        return;
      case "stream":
        if (run && m.id === run.id) appendStream(run.outputs, m.name, m.text);
        return;
      case "display":
        if (run && m.id === run.id) this.display(run, m);
        return;
      case "done":
        if (!run || m.id !== run.id) return;
        if (run.timedOut) return this.finish(run, "timeout", timeoutError(run.timeoutMs));
        if (m.ok) return this.finish(run, "ok");
        return this.finish(run, "error", m.error ?? { ename: "Error", evalue: "the cell failed", traceback: [] });
    }
  }

  /** display_data with a display_id also updates earlier outputs with that id; updates only update (as nbclient). */
  private display(run: Running, m: DisplayMsg): void {
    if (m.displayId) {
      for (const out of this.displays.get(m.displayId) ?? []) {
        (out as { data: unknown }).data = m.data;
        (out as { metadata: unknown }).metadata = m.metadata;
      }
    }
    if (m.update) return;
    const out: Output = { output_type: "display_data", data: m.data, metadata: m.metadata };
    run.outputs.push(out);
    if (m.displayId) {
      const list = this.displays.get(m.displayId) ?? [];
      list.push(out);
      this.displays.set(m.displayId, list);
    }
  }

  private finish(run: Running, status: CellExecution["status"], error?: CellExecution["error"]): void {
    if (this.running !== run) return;
    this.running = undefined;
    clearTimeout(run.timer);
    clearTimeout(run.killTimer);
    if (error) run.outputs.push(errorOutput(error));
    run.resolve({
      status,
      outputs: run.outputs,
      executionCount: run.count,
      durationMs: Date.now() - run.started,
      ...(error ? { error } : {}),
      messages: run.messages,
    });
  }

  private countOutput(n: number): void {
    this.usedOutput += n;
    const cap = this.opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    if (this.usedOutput > cap && !this.killReason && !this.exited) this.kill("output_limit");
  }

  private kill(reason: NonNullable<Kernel["killReason"]>): void {
    this.killReason = reason;
    this.child.kill("SIGKILL");
  }

  private protocolViolation(): void {
    if (!this.killReason) this.kill("protocol");
  }

  private watchMemory(maxRssMb: number): void {
    const statusFile = `/proc/${this.child.pid}/status`;
    this.rssTimer = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(statusFile, "utf8"))?.[1] ?? 0);
        if (kb / 1024 > maxRssMb && !this.killReason) this.kill("memory");
      } catch {
        clearInterval(this.rssTimer); // not Linux, or the process is gone
      }
    }, 200);
    this.rssTimer.unref();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    liveChildren.delete(this.child);
    clearInterval(this.rssTimer);
    this.exitInfo ||= signal ? `killed by ${signal}` : `exit code ${code}`;
    const run = this.running;
    if (!run) return;
    const cap = this.opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    if (run.timedOut) return this.finish(run, "timeout", timeoutError(run.timeoutMs));
    if (this.killReason === "output_limit") {
      return this.finish(run, "output_limit", describe("OutputLimitExceeded", `the notebook printed more than ${formatBytes(cap)} of output; the kernel was stopped`));
    }
    const outOfMemory = this.killReason === "memory" || /heap out of memory|Reached heap limit|Allocation failed/.test(this.stderrTail);
    if (outOfMemory) {
      const limit = this.killReason === "memory" ? `${this.opts.maxRssMb} MB of memory` : this.opts.maxOldSpaceMb ? `the ${this.opts.maxOldSpaceMb} MB heap limit` : "the heap limit";
      return this.finish(run, "died", describe("MemoryError", `the cell used more than ${limit}; the kernel was stopped`));
    }
    if (this.killReason === "protocol") {
      return this.finish(run, "died", describe("KernelDied", "a cell wrote to the kernel's private result channel; the kernel was stopped"));
    }
    if (this.killReason === "closed") return this.finish(run, "died", describe("KernelDied", "the kernel was shut down while the cell ran"));
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const hint = signal ? "" : " (did the cell call process.exit()?)";
    this.finish(run, "died", describe("KernelDied", `the kernel process ${how} during the cell${hint}`));
  }

  private tail(): string {
    const t = this.stderrTail.trim();
    return t ? `:\n${t.split("\n").slice(-20).join("\n")}` : "";
  }
}

/** The compiled child script: next to this file in dist/, or dist/tools/engine when running from the tools/ sources (tests). */
function childScript(): string {
  const here = path.join(__dirname, "child.js");
  if (fs.existsSync(here)) return here;
  const built = path.resolve(__dirname, "..", "..", "dist", "tools", "engine", "child.js");
  if (!fs.existsSync(built)) throw new KernelStartError(`cannot find the kernel script ${built}; run \`npm run build\` first`);
  // Running from tools/*.ts (tests): a child compiled from older sources would test the wrong code.
  const sources = ["child.ts", "protocol.ts"].map((f) => path.join(__dirname, f)).filter((f) => fs.existsSync(f));
  const builtAt = fs.statSync(built).mtimeMs;
  const newer = sources.filter((f) => fs.statSync(f).mtimeMs > builtAt);
  if (newer.length > 0) throw new KernelStartError(`${built} is older than ${newer.map((f) => path.basename(f)).join(", ")}; run \`npm run build\``);
  return built;
}
