// Node's permission model, as this Node spells and enforces it. The grader
// does not trust a version table: before a batch it starts one process with
// the flags it will give every kernel and checks, from inside, that the
// process is confined (permission-probe.ts). A Node where that fails — too
// old, a new release that changed the rules — is refused with the reason.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { builtScript } from "../compiler";

/**
 * The flags for this Node: `--permission` where it exists (Node 22.13+; Node
 * 24 refuses the old spelling), `--experimental-permission` before that, and
 * one `--allow-fs-read` per readable path. Nothing else is allowed: writing,
 * child processes, workers, addons, WASI and the inspector stay denied, and
 * node:sqlite, which writes files past the model, is switched off.
 */
export function permissionFlags(
  readable: string[],
  hasPermissionFlag = process.allowedNodeEnvironmentFlags.has("--permission"),
  hasSqlite = process.allowedNodeEnvironmentFlags.has("--no-experimental-sqlite"),
): string[] {
  return [
    hasPermissionFlag ? "--permission" : "--experimental-permission",
    // node:sqlite (Node 22.5+) opens and writes database files in native code that the
    // permission model does not check (VACUUM INTO, ATTACH): the module is switched off.
    ...(hasSqlite ? ["--no-experimental-sqlite"] : []),
    ...readable.map((p) => `--allow-fs-read=${p}`),
  ];
}

/** The model is missing altogether (Node 18 and older): the flag itself is unknown. */
function hasPermissionModel(): boolean {
  const flags = process.allowedNodeEnvironmentFlags;
  return flags.has("--permission") || flags.has("--experimental-permission");
}

/** Every order of the readable paths worth trying: as given, reversed, and each rotation both ways. */
function orders(readable: string[]): string[][] {
  const rotations = readable.map((_, i) => [...readable.slice(i), ...readable.slice(0, i)]);
  return [readable, [...readable].reverse(), ...rotations, ...rotations.map((r) => [...r].reverse())];
}

/** This Node cannot confine a grading kernel: nothing may be graded on it. */
export class SandboxUnavailableError extends Error {}

const verified = new Map<string, string[]>();

/**
 * Permission flags seen to confine a process on this Node: the readable paths
 * can be listed and not written, "/" and every folder above them cannot be
 * listed, and child processes, workers, addons, WASI and the inspector are
 * refused (`scratch`, a readable folder of our own, is where a write is
 * tried). Node 20 makes "/" listable for some orders of several
 * `--allow-fs-read` flags, so orders are tried until one holds. Throws, with
 * what was wrong, when none does.
 */
export function verifiedPermissionFlags(readable: string[], scratch = readable[0]): string[] {
  const key = readable.join("\0");
  const known = verified.get(key);
  if (known) return known;
  if (!hasPermissionModel()) {
    throw new SandboxUnavailableError(`Node ${process.version} has no permission model; nnlab grades only inside it — use Node 24 or 22`);
  }
  const hidden = new Set<string>(["/"]);
  for (const p of readable) for (let d = path.dirname(p.replace(/\/+$/, "")); d !== path.dirname(d); d = path.dirname(d)) hidden.add(d);
  const input = { hidden: [...hidden], readable, scratch };
  let last = "";
  for (const order of orders(readable)) {
    const flags = permissionFlags(order);
    const run = runProbe(flags, input);
    if (run.problems?.length === 0) {
      verified.set(key, flags);
      return flags;
    }
    last = run.problems ? run.problems.join("; ") : run.failure;
  }
  throw new SandboxUnavailableError(`Node ${process.version}'s permission model does not confine a grading kernel (${last.slice(0, 400)}); refusing to grade — use Node 24 or 22`);
}

let probeCode: string | undefined;

/** Runs permission-probe.ts under `flags`: the rules it saw broken, or why it did not run. */
export function runProbe(flags: string[], input: { hidden: string[]; readable: string[]; scratch: string }): { problems?: string[]; failure: string } {
  const code = (probeCode ??= fs.readFileSync(builtScript(path.join("sandbox", "permission-probe.js")), "utf8")); // read once, not per order tried
  const run = spawnSync(process.execPath, [...flags, "-e", code], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NNLAB_PROBE: JSON.stringify(input) },
  });
  if (run.status === 0) {
    try {
      return { problems: JSON.parse(run.stdout) as string[], failure: "" };
    } catch {
      // fall through: not the probe's output
    }
  }
  const message = (run.stderr || run.stdout || String(run.error ?? "")).split("\n").find((l) => /error|bad option/i.test(l)) ?? `exit ${run.status}`;
  return { failure: `the probe did not run: ${message.trim()}` };
}
