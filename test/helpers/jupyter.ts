// Shared helpers for tests that use the real Jupyter programs: the project
// venv (scripts/python-env.js), nbclient through the real tslab kernel, and a
// JupyterLab server on a free loopback port.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { type Finished, runProcess } from "./processes";

export const ROOT = path.resolve(__dirname, "..", "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures", "jupyter");
export const ARTIFACTS = path.join(ROOT, "test", "artifacts");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pythonEnvModule = require(path.join(ROOT, "scripts", "python-env.js")) as {
  ensurePythonEnv(): Promise<{ python: string; env: NodeJS.ProcessEnv }>;
  VENV: string;
};

let envPromise: Promise<{ python: string; env: NodeJS.ProcessEnv }> | null = null;

/** The project venv (created on first use, ~1–2 min; later calls are instant). */
export function pythonEnv(): Promise<{ python: string; env: NodeJS.ProcessEnv }> {
  envPromise ??= pythonEnvModule.ensurePythonEnv();
  return envPromise;
}

/** Notebooks of `dir` (relative to the repo root), sorted; [] if the folder does not exist. */
export function notebooksIn(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(abs, f));
}

/** Every lecture notebook and every solution: what a student or grader runs. */
export function courseNotebooks(): string[] {
  return [...notebooksIn("notebooks"), ...notebooksIn("solutions")];
}

/** True if the notebook's committed outputs (or its source) show a plotly figure. */
export function hasPlotlyFigure(file: string): boolean {
  const text = fs.readFileSync(file, "utf8");
  return text.includes("application/vnd.plotly.v1+json") || /\bshow\(/.test(text);
}

export function rel(file: string): string {
  return path.relative(ROOT, file).split(path.sep).join("/");
}

// ------------------------------------------------------------------ processes

/** Run a Python snippet/script with the venv's python; returns exit code and output. */
export async function runPython(args: string[]): Promise<Finished> {
  const { python, env } = await pythonEnv();
  return runProcess(python, args, { env, cwd: ROOT });
}

// ------------------------------------------------------------------ nbclient

export interface NbclientCell {
  index: number;
  execution_count: number | null;
  status: string;
}

export interface NbclientResult {
  /** scripts/nbclient_run.py exit code: 0 ok, 1 cell error, 2 bad input, 3 timeout, 4 kernel. */
  exitCode: number | null;
  /** The executed notebook as JSON (null when nothing was written). */
  notebook: { cells: Array<{ cell_type: string; source: string | string[]; outputs?: unknown[]; metadata?: Record<string, unknown> }> } | null;
  /** execute_reply status of each executed code cell. */
  cells: NbclientCell[];
  stderr: string;
}

/**
 * Execute a notebook through the real tslab kernel with nbclient (the
 * Jupyter protocol path a user's JupyterLab takes). The input is not modified.
 * With `content`, that notebook text is run instead of the file's, in the file's folder.
 */
export async function runWithNbclient(
  nbPath: string,
  opts: { timeoutS?: number; allowErrors?: boolean; kernel?: string; content?: string } = {},
): Promise<NbclientResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-nbclient-"));
  try {
    const out = path.join(tmp, "out.ipynb");
    const report = path.join(tmp, "report.json");
    let input = nbPath;
    if (opts.content !== undefined) {
      // Run exactly this text (e.g. what another runner was given), still in the notebook's folder.
      input = path.join(tmp, "in.ipynb");
      fs.writeFileSync(input, opts.content);
    }
    const args = [path.join(ROOT, "scripts", "nbclient_run.py"), input, out, "--report", report];
    args.push("--cwd", path.dirname(path.resolve(nbPath)));
    args.push("--timeout", String(opts.timeoutS ?? 120), "--kernel", opts.kernel ?? "tslab");
    if (opts.allowErrors) args.push("--allow-errors");
    const r = await runPython(args);
    const notebook = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : null;
    const cells = fs.existsSync(report) ? (JSON.parse(fs.readFileSync(report, "utf8")).cells as NbclientCell[]) : [];
    return { exitCode: r.code, notebook, cells, stderr: r.stderr };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ JupyterLab

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface JupyterLab {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  port: number;
  token: string;
  /** URL that opens `file` (relative to the repo root) in JupyterLab, logged in. */
  urlFor(file: string): string;
  /** GET/DELETE on the server's REST API with the token. */
  api(method: string, endpoint: string): Promise<unknown>;
  /** Everything the server printed so far. */
  log(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Start the venv's JupyterLab on the repo root, on a free loopback port with
 * a token. Workspace and user settings live in a temp folder (a fresh layout
 * each time; autosave off so running a committed notebook never rewrites it).
 * `expose_app_in_browser` lets tests read the notebook model (window.jupyterapp).
 */
export async function startJupyterLab(opts: { port?: number; token?: string } = {}): Promise<JupyterLab> {
  const { env } = await pythonEnv();
  const port = opts.port ?? (await freePort());
  const token = opts.token ?? crypto.randomBytes(16).toString("hex");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-lab-"));
  const settings = path.join(tmp, "settings");
  const docmanager = path.join(settings, "@jupyterlab", "docmanager-extension");
  fs.mkdirSync(docmanager, { recursive: true });
  fs.writeFileSync(path.join(docmanager, "plugin.jupyterlab-settings"), JSON.stringify({ autosave: false }));

  const jupyter = path.join(pythonEnvModule.VENV, process.platform === "win32" ? "Scripts/jupyter.exe" : "bin/jupyter");
  const args = [
    "lab",
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--ServerApp.port_retries=0",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${ROOT}`,
    `--LabApp.workspaces_dir=${path.join(tmp, "workspaces")}`,
    `--LabApp.user_settings_dir=${settings}`,
    "--LabApp.expose_app_in_browser=True",
  ];
  if (typeof process.getuid === "function" && process.getuid() === 0) args.push("--allow-root");
  const child: ChildProcess = spawn(jupyter, args, {
    cwd: ROOT,
    env: { ...env, JUPYTER_RUNTIME_DIR: path.join(tmp, "runtime") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.on("exit", () => ((exited = true), resolve())));

  const baseUrl = `http://127.0.0.1:${port}`;
  const api = async (method: string, endpoint: string): Promise<unknown> => {
    const res = await fetch(`${baseUrl}${endpoint}`, { method, headers: { Authorization: `token ${token}` } });
    if (!res.ok) throw new Error(`${method} ${endpoint}: HTTP ${res.status}`);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };

  const stop = async (): Promise<void> => {
    if (!exited) {
      // Shut kernels down through the API first: they run in their own sessions.
      try {
        const kernels = (await api("GET", "/api/kernels")) as Array<{ id: string }>;
        await Promise.all(kernels.map((k) => api("DELETE", `/api/kernels/${k.id}`).catch(() => undefined)));
      } catch {
        /* server already unresponsive: signals below */
      }
      child.kill("SIGTERM");
      await Promise.race([exitPromise, sleep(15_000)]);
      if (!exited) child.kill("SIGKILL");
      await exitPromise;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`jupyter lab exited during start-up:\n${output}`);
    try {
      await api("GET", "/api/status");
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`jupyter lab did not answer on ${baseUrl} within 120 s:\n${output}`);
      }
      await sleep(300);
    }
  }
  return {
    baseUrl,
    port,
    token,
    urlFor: (file: string) => `${baseUrl}/lab/tree/${rel(path.resolve(ROOT, file)).split("/").map(encodeURIComponent).join("/")}?token=${token}`,
    api,
    log: () => output,
    stop,
  };
}

// ------------------------------------------------------------------ raw kernel messages

export interface KernelRequest {
  code: string;
  /** Sent in the execute_request (Jupyter's default: true). */
  stop_on_error?: boolean;
}

export interface KernelExchange {
  /** The execute_reply's content. */
  reply: Record<string, unknown> & { status: string };
  /** iopub messages caused by the request (status messages left out), in arrival order. */
  iopub: Array<{ msg_type: string; content: Record<string, unknown> }>;
}

/**
 * Talk to the real kernel with jupyter_client (what nbclient uses underneath),
 * in `cwd`. Each batch's requests are sent at once; the next batch waits until
 * the kernel has answered all of them (test/helpers/kernel_session.py).
 */
export async function runKernelSession(cwd: string, batches: KernelRequest[][], kernel = "tslab"): Promise<KernelExchange[][]> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-session-"));
  try {
    const script = path.join(tmp, "script.json");
    const out = path.join(tmp, "out.json");
    fs.writeFileSync(script, JSON.stringify({ kernel, cwd, batches }));
    const r = await runPython([path.join(ROOT, "test", "helpers", "kernel_session.py"), script, out]);
    if (r.code !== 0 || !fs.existsSync(out)) throw new Error(`kernel_session.py failed (exit ${r.code}):\n${r.stderr}`);
    return (JSON.parse(fs.readFileSync(out, "utf8")) as { batches: KernelExchange[][] }).batches;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The project venv with the pinned nbgrader too (requirements-nbgrader.txt; first call installs it). */
export function pythonEnvWithNbgrader(): Promise<{ python: string; env: NodeJS.ProcessEnv }> {
  return (pythonEnvModule.ensurePythonEnv as (o: { nbgrader: boolean }) => Promise<{ python: string; env: NodeJS.ProcessEnv }>)({ nbgrader: true });
}
