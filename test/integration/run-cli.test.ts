// `nnlab run` as a user calls it (the built bin/nnlab.js in a subprocess).
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseNotebook, serializeNotebook } from "../../tools/notebook";

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "..", "fixtures", "notebooks");
const BIN = path.join(ROOT, "bin", "nnlab.js");

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function nnlab(args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 300_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-run-"));
  for (const f of ["basics.ipynb", "throws.ipynb", "data.txt"]) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  // A notebook that runs cleanly: the basics fixture without its failing last cell.
  const clean = parseNotebook(fs.readFileSync(path.join(FIXTURES, "basics.ipynb")));
  clean.cells = clean.cells.slice(0, -2);
  fs.writeFileSync(path.join(dir, "clean.ipynb"), serializeNotebook(clean));
  fs.writeFileSync(path.join(dir, "forever.ipynb"), serializeNotebook({ ...clean, cells: [{ ...clean.cells[1], source: "await new Promise(() => {});" }] }));
  fs.writeFileSync(path.join(dir, "broken.ipynb"), '{"cells": [');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("nnlab run", () => {
  it("runs a clean notebook in place, prints ok, and a second run writes the same bytes", async () => {
    const before = fs.readFileSync(path.join(dir, "clean.ipynb"), "utf8");
    const first = await nnlab(["run", "--inplace", "clean.ipynb"], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^ok\s+clean\.ipynb\s+\(8 code cells, [\d.]+ s\)$/m);
    const executed = fs.readFileSync(path.join(dir, "clean.ipynb"), "utf8");
    expect(executed).not.toBe(before);
    expect(executed).toContain('"hello world\\n"');
    await nnlab(["run", "--inplace", "clean.ipynb"], dir);
    expect(fs.readFileSync(path.join(dir, "clean.ipynb"), "utf8")).toBe(executed);
  });

  it("reports the first failing cell of each notebook, writes to --out and exits 1", async () => {
    const r = await nnlab(["run", "--out", "executed", "basics.ipynb", "throws.ipynb"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^error\s+basics\.ipynb\s+cell 12 \(In \[9\]\): TypeScriptError: 1:7 - Type 'string' is not assignable to type 'number'\./m);
    expect(r.stdout).toMatch(/^error\s+throws\.ipynb\s+cell 3 \(In \[2\]\): RangeError: n is too large: 3/m);
    expect(r.stdout).toMatch(/0 of 2 notebooks ran cleanly/);
    const written = parseNotebook(fs.readFileSync(path.join(dir, "executed", "throws.ipynb")));
    expect((written.cells[2] as { outputs: Array<{ output_type: string }> }).outputs.map((o) => o.output_type)).toEqual(["stream", "error"]);
    // the inputs are untouched
    expect(fs.readFileSync(path.join(dir, "throws.ipynb"), "utf8")).toBe(fs.readFileSync(path.join(FIXTURES, "throws.ipynb"), "utf8"));
  });

  it("exits 0 with --allow-errors, but a timeout still fails", async () => {
    const allowed = await nnlab(["run", "--allow-errors", "throws.ipynb"], dir);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    // Exit 0, but the notebook's line never says "ok" when a cell failed.
    expect(allowed.stdout).toMatch(/^error\s+throws\.ipynb\s+errors allowed, cell 3/m);
    expect(allowed.stdout).not.toMatch(/^ok/m);
    const timeout = await nnlab(["run", "--allow-errors", "--cell-timeout", "1", "forever.ipynb"], dir);
    expect(timeout.code).toBe(1);
    expect(timeout.stdout).toMatch(/^error\s+forever\.ipynb\s+cell 1 \(In \[1\]\): Timeout: cell exceeded 1 s/m);
  });

  it("explains bad paths and bad files in one line, without a stack trace", async () => {
    const r = await nnlab(["run", "missing.ipynb", "broken.ipynb", "."], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^error\s+missing\.ipynb\s+no such file$/m);
    expect(r.stdout).toMatch(/^error\s+broken\.ipynb\s+is not valid JSON: .* at line 1, column 12$/m);
    expect(r.stdout).toMatch(/^error\s+\.\s+is a directory, not a notebook file$/m);
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);
  });

  it("has --help, and rejects bad usage with exit 2", async () => {
    const help = await nnlab(["run", "--help"], dir);
    expect(help.code).toBe(0);
    for (const flag of ["--inplace", "--out <dir>", "--allow-errors", "--cell-timeout", "--timeout", "--quiet"]) expect(help.stdout).toContain(flag);
    const top = await nnlab(["--help"], dir);
    expect(top.stdout).toMatch(/run \[options\] <notebooks\.\.\.>/);
    const both = await nnlab(["run", "--inplace", "--out", "x", "clean.ipynb"], dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/use either --inplace or --out DIR/);
    expect((await nnlab(["run"], dir)).code).toBe(2);
    expect((await nnlab(["run", "--cell-timeout", "soon", "clean.ipynb"], dir)).code).toBe(2);
  });
});
