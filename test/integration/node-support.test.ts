// Which Node.js the course accepts, and what a user on an older one is told —
// by the `nnlab` command, `npm run lab` and `npm install` (preinstall).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const support = require(path.join(ROOT, "scripts", "check-node.js")) as { problem(v: string): string | null; note(v: string): string | null };

/** Runs `args` with this Node pretending to be `version` (process.version is what the check reads). */
function runAs(version: string, args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-node-"));
  const pretend = path.join(dir, "pretend.js");
  fs.writeFileSync(pretend, `Object.defineProperty(process, "version", { value: ${JSON.stringify(version)} });`);
  try {
    return spawnSync(process.execPath, ["--require", pretend, ...args], { cwd: ROOT, encoding: "utf8" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("supported Node.js versions", () => {
  it("accepts 24, 22 and 20.19+, refuses anything older with what to install", () => {
    for (const v of ["v24.0.0", "v24.22.3", "v22.0.0", "v22.23.5", "v20.19.0", "v26.1.0"]) expect(support.problem(v), v).toBeNull();
    for (const v of ["v20.18.3", "v18.20.4", "v16.0.0"]) expect(support.problem(v), v).toMatch(/needs Node\.js 24 or 22.*\n.*Install Node\.js 24/);
  });

  it("has a note for Node 20, past its end of life, and none for 22 or 24", () => {
    expect(support.note("v20.20.2")).toMatch(/end of life/);
    expect(support.note("v22.23.5")).toBeNull();
    expect(support.note("v24.22.3")).toBeNull();
  });

  it("the nnlab command on an old Node says so and exits 1, instead of a syntax error or stack trace", () => {
    const old = runAs("v18.19.0", [path.join(ROOT, "bin", "nnlab.js"), "--version"]);
    expect(old.status).toBe(1);
    expect(old.stderr).toContain("nnlab needs Node.js 24 or 22 (LTS); this is Node.js v18.19.0.");
    expect(old.stderr).not.toMatch(/\n\s+at /);
    const current = spawnSync(process.execPath, [path.join(ROOT, "bin", "nnlab.js"), "--version"], { cwd: ROOT, encoding: "utf8" });
    expect(current.status).toBe(0);
  });

  it("npm install (preinstall) and npm run lab stop with the same message on an old Node", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; engines: { node: string } };
    expect(pkg.scripts.preinstall).toBe("node scripts/check-node.js");
    expect(pkg.engines.node).toBe(">=20.19");
    for (const script of ["check-node.js", "lab.js"]) {
      const old = runAs("v18.19.0", [path.join(ROOT, "scripts", script), "--help"]);
      expect(old.status, script).toBe(1);
      expect(old.stderr, script).toContain("nnlab needs Node.js 24 or 22 (LTS)");
    }
  });
});
