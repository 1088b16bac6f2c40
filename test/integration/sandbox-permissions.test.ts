// The permission flags of a sandboxed kernel, run for real on this Node: the kernel's own
// folder and the packages are readable; "/", the solutions and the rest of the disk are not.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { permissionFlags, verifiedPermissionFlags } from "../../tools/grader/sandbox";
import { runProbe } from "../../tools/grader/sandbox/permissions";

const ROOT = path.resolve(__dirname, "..", "..");
/** Node 22.5+ has node:sqlite, which writes files past the permission model unless switched off. */
const hasSqlite = process.allowedNodeEnvironmentFlags.has("--no-experimental-sqlite");

describe("permissionFlags", () => {
  it("uses the flag this Node knows", () => {
    expect(permissionFlags(["/a/", "/b/"], false, false)).toEqual(["--experimental-permission", "--allow-fs-read=/a/", "--allow-fs-read=/b/"]);
    expect(permissionFlags(["/a/"], true, true)).toEqual(["--permission", "--no-experimental-sqlite", "--allow-fs-read=/a/"]);
  });

  it("a process started with them can read its folder and the packages, and nothing else", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-perm-")) + path.sep;
    try {
      fs.writeFileSync(path.join(work, "mine.txt"), "ok");
      const readable = [work, path.join(fs.realpathSync(path.join(ROOT, "node_modules")), path.sep), path.join(ROOT, "dist", path.sep)];
      const probe = `const fs = require("fs"); const out = {};
        for (const p of ${JSON.stringify(["/", "/etc", os.tmpdir(), ROOT, path.join(ROOT, "solutions"), path.join(work, "mine.txt"), path.join(ROOT, "dist")])})
          try { fs.statSync(p).isDirectory() ? fs.readdirSync(p) : fs.readFileSync(p); out[p] = true; } catch { out[p] = false; }
        console.log(JSON.stringify(out));`;
      // This set of three paths is one for which Node 20 lists "/" in some orders of the flags.
      const run = spawnSync(process.execPath, [...verifiedPermissionFlags(readable), "-e", probe], { encoding: "utf8", cwd: work });
      const seen = JSON.parse(run.stdout.trim().split("\n").pop() as string) as Record<string, boolean>;
      expect(seen).toEqual({ "/": false, "/etc": false, [os.tmpdir()]: false, [ROOT]: false, [path.join(ROOT, "solutions")]: false, [path.join(work, "mine.txt")]: true, [path.join(ROOT, "dist")]: true });
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it("the probe that decides whether this Node can grade sees an unconfined process for what it is", () => {
    // Without permission flags every rule is broken: the probe must say so, rule by rule,
    // or a Node that stopped enforcing one would be trusted.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-perm-"));
    try {
      expect(runProbe([], { hidden: ["/"], readable: [scratch], scratch }).problems).toEqual([
        "can list /",
        "can write files",
        ...(hasSqlite ? ["can write files through node:sqlite"] : []),
        "can start a child process",
        "can start a worker",
        "native addons are not disabled",
        "can use WASI",
        "can open the inspector",
        "process.permission does not deny fs.write",
      ]);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("confines a process on this Node to the rules, each checked from inside", () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-perm-")) + path.sep;
    try {
      const flags = verifiedPermissionFlags([scratch]);
      expect(runProbe(flags, { hidden: ["/", os.tmpdir()], readable: [scratch], scratch }).problems).toEqual([]);
      expect(fs.readdirSync(scratch)).toEqual([]);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
