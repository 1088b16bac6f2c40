// The student edition, used the way a student uses it: built with
// `nnlab release student` into a folder outside the course, then from that
// folder alone — `npm install` (npm's cache), the Python environment of
// `npm run lab` (scripts/python-env.js), and every lecture and exercise run
// through that environment's real tslab kernel by nbclient (the Jupyter
// protocol path of JupyterLab). Also: the folder holds no solution, no
// hidden test and no path into solutions/, and a second release is
// byte-identical.
//
// "Exercises up to their stubs": run top to bottom (Run All, through the real
// kernel), every cell before the first failure replies "ok", and the first
// failure is the stub's own error ("Error: not implemented") — not a type
// error, a missing name or a timeout. tslab then aborts the cells Run All had
// queued (as JupyterLab shows it); later cells may fail (an aborted answer
// cell declared nothing), but none may time out or kill the kernel.
//
// Slow: npm install, a venv and 26 notebooks through the real kernel.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readNotebookFile } from "../../tools/notebook";
import { assignmentSecrets, normalise, readableText } from "../../tools/release/leaks";
import { ROOT } from "../helpers/jupyter";
import { type Finished, runProcess } from "../helpers/processes";

/** A command in `cwd` with npm's own variables removed (vitest may run under npm, pointing at the course). */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Finished> {
  const clean = Object.fromEntries(Object.entries(env).filter(([k]) => !k.toLowerCase().startsWith("npm_") && k !== "NODE_PATH" && k !== "INIT_CWD"));
  return runProcess(cmd, args, { cwd, env: clean });
}

const npmCli = () => {
  // npm's own CLI script next to this node (the one a student's `npm` runs).
  const candidates = [path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js")];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`npm-cli.js not found next to ${process.execPath}`);
  return found;
};

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const timings: string[] = [];
async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings.push(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

type Output = { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string; evalue?: string; traceback?: string[] };
type Cells = Array<{ cell_type: string; source: string | string[]; outputs?: Output[] }>;
const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : (t ?? ""));
/**
 * Per code cell: the MIME types of its rich outputs (figures, tables), in order. A figure's still image
 * (image/jpeg next to plotly's JSON) is added when the lectures are committed, not by the kernel.
 */
const richOutputs = (cells: Cells) =>
  cells
    .filter((c) => c.cell_type === "code")
    .map((c) => (c.outputs ?? []).filter((o) => o.data).map((o) => Object.keys(o.data!).filter((m) => !(m === "image/jpeg" && "application/vnd.plotly.v1+json" in o.data!)).sort().join(",")));

describe("nnlab release student", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-release-"));
  const edition = path.join(work, "edition");
  const again = path.join(work, "again");
  const harness = path.join(work, "harness");
  let venv: { python: string; env: NodeJS.ProcessEnv };

  beforeAll(async () => {
    for (const out of [edition, again]) {
      const r = await timed(`release ${path.basename(out)}`, () => run(process.execPath, [path.join(ROOT, "bin", "nnlab.js"), "release", "student", "--out", out], ROOT));
      expect(r.code, r.stderr).toBe(0);
    }
  }, 300_000);

  afterAll(() => {
    console.log(`[release-student] ${timings.join("; ")}`);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("is outside the course, holds no links, and a second release is byte-identical", () => {
    expect(path.relative(ROOT, edition).startsWith("..")).toBe(true);
    const list = files(edition);
    expect(list).toEqual(files(again));
    for (const f of list) {
      expect(fs.lstatSync(path.join(edition, f)).isSymbolicLink(), f).toBe(false);
      expect(fs.readFileSync(path.join(edition, f)).equals(fs.readFileSync(path.join(again, f))), `${f} differs between two releases`).toBe(true);
    }
    // The course's lectures and one exercise per instructor notebook; none of the instructor's folders.
    const lectures = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
    const exercises = fs.readdirSync(path.join(ROOT, "solutions")).filter((f) => f.endsWith(".ipynb")).sort();
    expect(list.filter((f) => f.startsWith("notebooks/") && f.endsWith(".ipynb"))).toEqual(lectures.map((f) => `notebooks/${f}`));
    expect(list.filter((f) => f.startsWith("exercises/"))).toEqual(exercises.map((f) => `exercises/${f}`));
    for (const dir of ["solutions", "tools", "test", "bench", "bin", "docs", "dist", "node_modules"]) expect(list.some((f) => f.startsWith(`${dir}/`)), dir).toBe(false);
    // Lecture notebooks exactly as committed (executed, with their figures).
    for (const f of lectures) expect(fs.readFileSync(path.join(edition, "notebooks", f)).equals(fs.readFileSync(path.join(ROOT, "notebooks", f))), f).toBe(true);
  });

  it("contains no hidden test, no marker, no path into solutions/ and no answer that is not published elsewhere", () => {
    const texts = new Map(files(edition).map((f) => [f, normalise(readableText(f, fs.readFileSync(path.join(edition, f), "utf8")))]));
    const course = [...texts].filter(([f]) => f.startsWith("lib/") || f.startsWith("notebooks/") || f.startsWith("exercises/"));
    let secrets = 0;
    for (const name of fs.readdirSync(path.join(ROOT, "solutions")).filter((f) => f.endsWith(".ipynb"))) {
      for (const s of assignmentSecrets(readNotebookFile(path.join(ROOT, "solutions", name)), name)) {
        secrets++;
        // An answer the library, a lecture or another exercise already shows is published course material (the release warns about it).
        if (s.kind === "solution" && course.some(([f, t]) => f !== `exercises/${name}` && t.includes(s.text))) continue;
        for (const [f, t] of texts) expect(t.includes(s.text), `${f} contains ${s.what}`).toBe(false);
      }
    }
    expect(secrets).toBeGreaterThan(50);
    for (const [f, t] of texts) {
      expect(t, f).not.toMatch(/BEGIN (SOLUTION|HIDDEN TESTS)/);
      expect(t, f).not.toMatch(/(^|[^\w-])solutions[/\\]/);
    }
  });

  it("installs with npm from its own package.json and lock, and leaves the lock unchanged", async () => {
    const lock = fs.readFileSync(path.join(edition, "package-lock.json"), "utf8");
    const r = await timed("npm install", () => run(process.execPath, [npmCli(), "install", "--no-audit", "--no-fund", "--prefer-offline"], edition));
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(edition, "package-lock.json"), "utf8")).toBe(lock);
    // "nnlab" resolves to this folder's own build, not the course's.
    const probe = await run(process.execPath, ["-e", 'require("nnlab"); for (const k of Object.keys(require.cache)) if (/nnlab|dist/.test(k)) console.log(k)'], edition);
    expect(probe.code, probe.stderr).toBe(0);
    const loaded = probe.stdout.trim().split("\n");
    expect(loaded).toContain(path.join(fs.realpathSync(edition), "dist", "lib", "index.js"));
    for (const file of loaded) expect(file.startsWith(fs.realpathSync(edition)), file).toBe(true);
  }, 600_000);

  it("makes npm run lab's Python environment and kernel inside itself", async () => {
    const r = await timed("python env", () => run(process.execPath, [path.join(edition, "scripts", "python-env.js")], edition));
    expect(r.code, r.stderr).toBe(0);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(edition, "scripts", "python-env.js")) as { venvEnv(): NodeJS.ProcessEnv };
    venv = { python: r.stdout.trim(), env: mod.venvEnv() };
    expect(venv.python.startsWith(edition)).toBe(true);
    const spec = JSON.parse(fs.readFileSync(path.join(edition, ".venv", "share", "jupyter", "kernels", "tslab", "kernel.json"), "utf8")) as { argv: string[] };
    // The kernel the lab starts is the edition's own (its node script and its tslab), not the course's.
    const paths = spec.argv.slice(1).filter((a) => path.isAbsolute(a));
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p.startsWith(edition), p).toBe(true);
    // The notebook driver is the test's, kept outside both the course and the edition.
    fs.mkdirSync(harness, { recursive: true });
    fs.copyFileSync(path.join(ROOT, "scripts", "nbclient_run.py"), path.join(harness, "nbclient_run.py"));
  }, 600_000);

  /** One notebook of the edition through its real kernel: per-cell reply statuses and the executed notebook. */
  async function viaKernel(rel: string): Promise<{ exit: number | null; cells: Array<{ index: number; status: string }>; nb: Cells; stderr: string }> {
    const out = path.join(harness, rel.replace(/[/\\]/g, "__"));
    const report = `${out}.report.json`;
    const r = await run(venv.python, [path.join(harness, "nbclient_run.py"), path.join(edition, rel), out, "--allow-errors", "--timeout", "300", "--report", report], edition, venv.env);
    const rep = fs.existsSync(report) ? (JSON.parse(fs.readFileSync(report, "utf8")) as { cells: Array<{ index: number; status: string }> }) : { cells: [] };
    const nb = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, "utf8")) as { cells: Cells }).cells : [];
    return { exit: r.code, cells: rep.cells, nb, stderr: r.stderr };
  }

  /** At most two notebooks at a time (each is a kernel; the machine is small). */
  async function eachTwoAtATime(items: string[], fn: (item: string) => Promise<void>): Promise<void> {
    const queue = [...items];
    await Promise.all([0, 1].map(async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }));
  }

  it("runs every lecture notebook through npm run lab's kernel without an error, with the committed figures", async () => {
    expect(venv, "the Python environment test must run first").toBeDefined();
    const lectures = files(edition).filter((f) => f.startsWith("notebooks/") && f.endsWith(".ipynb"));
    await timed(`${lectures.length} lectures`, () =>
      eachTwoAtATime(lectures, async (rel) => {
        const r = await viaKernel(rel);
        expect(r.exit, `${rel}:\n${r.stderr.slice(-2000)}`).toBe(0);
        expect(r.cells.filter((c) => c.status !== "ok"), rel).toEqual([]);
        const committed = (JSON.parse(fs.readFileSync(path.join(edition, rel), "utf8")) as { cells: Cells }).cells;
        expect(richOutputs(r.nb), `${rel}: the real kernel's rich outputs (figures) differ from the committed ones`).toEqual(richOutputs(committed));
      }),
    );
  }, 3_600_000);

  it("runs every exercise through npm run lab's kernel up to its stubs", async () => {
    expect(venv, "the Python environment test must run first").toBeDefined();
    const exercises = files(edition).filter((f) => f.startsWith("exercises/") && f.endsWith(".ipynb"));
    const stubsReached: string[] = [];
    await timed(`${exercises.length} exercises`, () =>
      eachTwoAtATime(exercises, async (rel) => {
        const r = await viaKernel(rel);
        expect(r.exit === 0 || r.exit === 1, `${rel}: nbclient exit ${r.exit}\n${r.stderr.slice(-2000)}`).toBe(true);
        expect(r.cells.length, rel).toBeGreaterThan(0);
        // What the cell showed: stream text (tslab) or an error output (the course's patched tslab).
        const said = (index: number) => (r.nb[index].outputs ?? []).map((o) => `${text(o.text)}${o.ename ?? ""}: ${o.evalue ?? ""}\n${(o.traceback ?? []).join("\n")}`).join("\n");
        // Up to the first stub every cell ran; the first failure is the stub's own error.
        const first = r.cells.findIndex((c) => c.status !== "ok");
        expect(first, `${rel}: no cell reached a stub`).toBeGreaterThan(0);
        expect(r.cells[first].status, rel).toBe("error");
        expect(said(r.cells[first].index), `${rel}, cell ${r.cells[first].index}: failed with something other than the stub's error`).toMatch(/Error: not implemented/);
        // After it, tslab aborts what Run All had queued; a later cell may then miss an aborted cell's
        // declarations, so it may fail — but no cell timed out and the kernel lived (nbclient exit 0 or 1).
        expect(r.cells.slice(first + 1).every((c) => ["ok", "abort", "error"].includes(c.status)), rel).toBe(true);
        stubsReached.push(`${path.basename(rel, ".ipynb").slice(0, 3)}: ${first} cells ok`);
      }),
    );
    console.log(`[release-student] up to the first stub: ${stubsReached.sort().join(", ")}`);
  }, 3_600_000);
});
