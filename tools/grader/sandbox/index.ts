// Where and how a submission runs: a private empty working folder per
// submission, Node's permission model (read only that folder, the installed
// packages and nnlab's build; nothing else — permissions.ts checks it on this
// Node), the grader's agent preloaded, a clean environment, and the engine's
// time, memory and output limits.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { KernelOptions } from "../../engine/kernel";
import { DEFAULT_CELL_TIMEOUT_MS } from "../../engine/limits";
import { builtScript } from "../compiler";
import { AGENT_ENV } from "./agent";
import { TRUSTED_ENV } from "../trusted-recorder";
import { PROJECT_ROOT } from "../../project-root";
import { verifiedPermissionFlags } from "./permissions";

export { permissionFlags, SandboxUnavailableError, verifiedPermissionFlags } from "./permissions";

export interface Limits {
  /** Per cell (default 30 s). */
  cellTimeoutMs: number;
  /** For the whole notebook, restarts included (default 10 min). */
  notebookTimeoutMs: number;
  /** V8 heap (default 1024 MB). */
  maxOldSpaceMb: number;
  /** Resident memory of the kernel process, buffers included (default 1536 MB). */
  maxRssMb: number;
  /** Output the kernel may print (default 8 MiB). */
  maxOutputBytes: number;
  /** Code cells a submission may have (default 2000). */
  maxCells: number;
}

export const DEFAULT_LIMITS: Limits = {
  cellTimeoutMs: DEFAULT_CELL_TIMEOUT_MS,
  notebookTimeoutMs: 10 * 60_000,
  maxOldSpaceMb: 1024,
  maxRssMb: 1536,
  maxOutputBytes: 8 * 1024 * 1024,
  maxCells: 2000,
};

export { PROJECT_ROOT };

/**
 * A temporary folder for one grading run:
 *   <root>/node_modules → the project's node_modules (how kernels and the compiler find packages)
 *   <root>/compile/      the compiler's empty working folder
 *   <root>/w<n>/          one private working folder per submission
 */
export class SandboxRoot {
  private constructor(readonly dir: string) {}

  static create(projectRoot = PROJECT_ROOT): SandboxRoot {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-grade-")));
    fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
    fs.mkdirSync(path.join(dir, "compile"));
    return new SandboxRoot(dir);
  }

  get compileDir(): string {
    return path.join(this.dir, "compile");
  }

  /** A fresh, empty working folder (any earlier content removed). */
  workdir(n: number): string {
    const dir = path.join(this.dir, `w${n}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    return dir;
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * What a sandboxed kernel may read: the whole sandbox root (empty working folders and the
 * node_modules link; nothing a kernel can write), the packages and nnlab's build — the same for
 * every submission, so the flags are verified once per batch.
 */
function readablePaths(root: SandboxRoot, projectRoot: string): string[] {
  const dirArg = (p: string) => (p.endsWith(path.sep) ? p : p + path.sep);
  return [dirArg(root.dir), dirArg(fs.realpathSync(path.join(projectRoot, "node_modules"))), dirArg(path.join(projectRoot, "dist"))];
}

/**
 * Checks, before any submission runs, that this Node confines a kernel (permissions.ts);
 * throws SandboxUnavailableError with the reason otherwise.
 */
export function verifySandbox(root: SandboxRoot, projectRoot = PROJECT_ROOT): void {
  verifiedPermissionFlags(readablePaths(root, projectRoot));
}

/** Kernel options that run a submission in `workdir` under the sandbox. */
export function sandboxedKernel(root: SandboxRoot, workdir: string, limits: Limits, projectRoot = PROJECT_ROOT): KernelOptions {
  const nodeArgs = [
    ...verifiedPermissionFlags(readablePaths(root, projectRoot)),
    "--disable-warning=ExperimentalWarning",
    "--require",
    builtScript(path.join("sandbox", "precompiled.js")),
  ];
  return kernelIn(workdir, limits, nodeArgs, AGENT_ENV, builtScript(path.join("sandbox", "agent.js")));
}

/** A kernel in `workdir` with the limits, running precompiled cells, with `preload` switched on by `flag`. */
function kernelIn(workdir: string, limits: Limits, nodeArgs: string[], flag: string, preload: string): KernelOptions {
  return {
    cwd: workdir,
    cellTimeoutMs: limits.cellTimeoutMs,
    maxOldSpaceMb: limits.maxOldSpaceMb,
    maxRssMb: limits.maxRssMb,
    maxOutputBytes: limits.maxOutputBytes,
    nodeArgs,
    // Nothing from the grader's environment (tokens, paths) reaches a kernel.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", HOME: workdir, TMPDIR: workdir, [flag]: "1" },
    preload,
  };
}

/**
 * Kernel options for the trusted kernel that runs the instructor's solution
 * (expectations.ts): no student code runs there, but it gets the same
 * limits, so a runaway solution cannot hang the batch either.
 */
export function trustedKernel(workdir: string, limits: Limits): KernelOptions {
  return kernelIn(workdir, limits, ["--require", builtScript(path.join("sandbox", "precompiled.js"))], TRUSTED_ENV, builtScript("trusted-recorder.js"));
}
