// Which Node.js the course accepts, and what a user on an older one is told —
// by the `nnlab` command, `npm run lab` and `npm install` (preinstall).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const ASSIGNMENT = path.join(ROOT, "solutions", "E01-parameter-counting.ipynb");
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

  it("every process nnlab starts runs on the Node the user ran, not another `node` on PATH", () => {
    // A `node` first on PATH that only leaves a mark: running it would fail the command and show.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-path-"));
    try {
      const mark = path.join(dir, "wrong-node-ran");
      fs.mkdirSync(path.join(dir, "bin"));
      fs.writeFileSync(path.join(dir, "bin", "node"), `#!/bin/sh\ntouch ${mark}\nexit 97\n`, { mode: 0o755 });
      const env = { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}` };
      const nnlab = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "bin", "nnlab.js"), ...args], { cwd: ROOT, env, encoding: "utf8" });
      // The headless kernel and its converter.
      const ran = nnlab("run", ASSIGNMENT, "--out", path.join(dir, "ran"));
      expect(ran.status, ran.stderr).toBe(0);
      // The grader: its sandbox probe, converter, trusted kernel and student kernels.
      const subs = path.join(dir, "subs");
      fs.mkdirSync(subs);
      fs.copyFileSync(ASSIGNMENT, path.join(subs, "alice.ipynb"));
      const graded = nnlab("grade", "--assignment", ASSIGNMENT, subs, "--out", path.join(dir, "out"), "--quiet");
      expect(graded.status, graded.stderr).toBe(0);
      expect(fs.readFileSync(path.join(dir, "out", "grades.csv"), "utf8")).toMatch(/alice/);
      expect(fs.existsSync(mark)).toBe(false);
      // JupyterLab's kernel spec names this Node by its full path.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { tslabKernelSpec } = require(path.join(ROOT, "scripts", "python-env.js")) as { tslabKernelSpec(): { argv: string[] } };
      expect(tslabKernelSpec().argv[0]).toBe(process.execPath);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("grading on a Node without a permission model stops before anything is graded, with the reason", () => {
    // As on Node 18: the permission flags are unknown. A gradebook of zeros would be worse than none.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-noperm-"));
    try {
      const pretend = path.join(dir, "no-permission-model.js");
      fs.writeFileSync(pretend, `const known = [...process.allowedNodeEnvironmentFlags].filter((flag) => !/permission/.test(flag));
        Object.defineProperty(process, "allowedNodeEnvironmentFlags", { value: new Set(known) });`);
      const subs = path.join(dir, "subs");
      fs.mkdirSync(subs);
      fs.copyFileSync(ASSIGNMENT, path.join(subs, "alice.ipynb"));
      const out = path.join(dir, "out");
      const run = spawnSync(process.execPath, ["--require", pretend, path.join(ROOT, "bin", "nnlab.js"), "grade", "--assignment", ASSIGNMENT, subs, "--out", out, "--quiet"], { cwd: ROOT, encoding: "utf8" });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`nnlab: grade: nothing graded: Node ${process.version} has no permission model; nnlab grades only inside it — use Node 24 or 22`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(fs.existsSync(path.join(out, "grades.csv"))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
