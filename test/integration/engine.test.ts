// The execution engine (tools/engine): tslab semantics in a child process, and a
// parent that survives whatever a cell does (loops, endless awaits, exit,
// output floods, memory bombs, forged results).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CellExecution, Kernel, NotebookLanguageError, executeResultOf, runNotebook } from "../../tools/engine";
import { Notebook, Output, readNotebookFile } from "../../tools/notebook";

const FIXTURES = path.join(__dirname, "..", "fixtures", "notebooks");

const streams = (r: CellExecution, name: "stdout" | "stderr") =>
  r.outputs.filter((o) => o.output_type === "stream" && o.name === name).map((o) => (o as { text: string }).text);

/** The text of a cell's execute_result (Out[n]), or undefined when its last expression had no value. */
const value = (r: CellExecution) => (executeResultOf(r) as { data: Record<string, string> } | undefined)?.data["text/plain"];

function notebook(...sources: string[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: sources.map((source, k) => ({ cell_type: "code", id: `c${k}`, metadata: {}, source, outputs: [], execution_count: null })),
  };
}

describe("Kernel: tslab semantics", () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await Kernel.start({ cwd: FIXTURES, cellTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await kernel?.close();
  });

  it("carries declarations across cells and gives the last expression's value as an execute_result", async () => {
    const a = await kernel.execute("const base: number = 40;\nlet label = 'sum';");
    const b = await kernel.execute("label + ': ' + (base + 2)");
    expect(a.status).toBe("ok");
    expect(a.outputs).toEqual([]);
    expect(value(a)).toBeUndefined();
    expect(b.status).toBe("ok");
    expect(b.outputs).toEqual([]); // not printed on stdout
    expect(executeResultOf(b)).toEqual({ output_type: "execute_result", execution_count: b.executionCount, data: { "text/plain": "'sum: 42'" }, metadata: {} });
    expect(b.executionCount).toBe(a.executionCount! + 1);
  });

  it("keeps stdout and stderr apart and merges consecutive writes to one stream", async () => {
    const r = await kernel.execute('console.log("a"); console.log("b"); console.error("warn"); process.stdout.write("c"); console.log({ x: [1, 2] })');
    expect(r.outputs.map((o) => (o as { name?: string }).name)).toEqual(["stdout", "stderr", "stdout"]);
    expect(streams(r, "stdout")).toEqual(["a\nb\n", "c{ x: [ 1, 2 ] }\n"]);
    expect(streams(r, "stderr")).toEqual(["warn\n"]);
  });

  it("supports top-level await", async () => {
    const r = await kernel.execute("const later = await new Promise<string>((ok) => setTimeout(() => ok('waited'), 30));\nlater.toUpperCase()");
    expect(r.status).toBe("ok");
    expect(value(r)).toBe("'WAITED'");
  });

  it("turns tslab.display.* into display_data and applies display updates in place", async () => {
    const r = await kernel.execute(
      'import * as tslab from "tslab";\ntslab.display.html("<i>x</i>");\nconst d = tslab.newDisplay();\nd.text("first");\nd.text("second");\ntslab.display.png(new Uint8Array([1, 2, 3]));',
    );
    expect(r.status).toBe("ok");
    const data = r.outputs.map((o) => (o as { data?: unknown }).data);
    expect(r.outputs.every((o) => o.output_type === "display_data")).toBe(true);
    expect(data).toEqual([{ "text/html": "<i>x</i>" }, { "text/plain": "second" }, { "image/png": Buffer.from([1, 2, 3]).toString("base64") }]);
  });

  it("reports a type error as an error output and keeps the kernel usable", async () => {
    const r = await kernel.execute('const n: number = "no";');
    expect(r.status).toBe("error");
    expect(r.error?.ename).toBe("TypeScriptError");
    expect(r.error?.evalue).toMatch(/^1:7 - Type 'string' is not assignable to type 'number'/);
    expect(r.outputs.at(-1)).toMatchObject({ output_type: "error", ename: "TypeScriptError" });
    expect(value(await kernel.execute("base"))).toBe("40");
  });

  it("reports an exception with ename, evalue and a traceback pointing at the cell, after earlier output", async () => {
    const r = await kernel.execute('console.log("before");\nfunction fail(): never { throw new RangeError("out of range: " + base); }\nfail();');
    expect(r.status).toBe("error");
    expect(r.outputs[0]).toEqual({ output_type: "stream", name: "stdout", text: "before\n" });
    expect(r.error).toMatchObject({ ename: "RangeError", evalue: "out of range: 40" });
    expect(r.error!.traceback).toContain("RangeError: out of range: 40");
    // Frames name the cell (In[n]) and its own line: fail() throws on line 2, is called on line 3.
    expect(r.error!.traceback).toContain(`    at fail (In[${r.executionCount}]:2:32)`);
    expect(r.error!.traceback).toContain(`    at In[${r.executionCount}]:3:1`);
    expect(r.error!.traceback.some((l) => l.includes("child.js") || l.includes("tslab/dist"))).toBe(false);
    const rejected = await kernel.execute('await Promise.reject(new TypeError("async failure"))');
    expect(rejected.error).toMatchObject({ ename: "TypeError", evalue: "async failure" });
  });

  it("runs in the given working directory, so relative paths behave as in Jupyter", async () => {
    const r = await kernel.execute('import * as fs from "fs";\nconsole.log(fs.readFileSync("data.txt", "utf8").trim() + " @ " + process.cwd())');
    expect(streams(r, "stdout")).toEqual([`line from data.txt @ ${FIXTURES}\n`]);
  });

  it("restores console output for later cells when a cell replaces process.stdout.write", async () => {
    const r = await kernel.execute('process.stdout.write = (() => true) as any;\nconsole.log("swallowed");');
    expect(r.outputs).toEqual([]);
    expect(streams(await kernel.execute('console.log("visible again")'), "stdout")).toEqual(["visible again\n"]);
  });

  it("drops output that arrives after its cell finished, as nbclient does", async () => {
    await kernel.execute('setTimeout(() => console.log("late"), 50); "now"');
    await new Promise((r) => setTimeout(r, 300));
    const next = await kernel.execute('console.log("next")');
    expect(streams(next, "stdout")).toEqual(["next\n"]);
  });

  it("gives a cell no process.send and no inspector (the kernel's channel cannot be reached)", async () => {
    const r = await kernel.execute('console.log(typeof (process as any).send);\nrequire("inspector")');
    expect(streams(r, "stdout")).toEqual(["undefined\n"]);
    expect(r.error?.evalue).toMatch(/inspector module is not available/);
  });
});

describe("Kernel: limits", () => {
  it("interrupts an endless await at the cell timeout and keeps the kernel", async () => {
    const k = await Kernel.start({ cwd: FIXTURES, cellTimeoutMs: 1500 });
    try {
      await k.execute("const kept = 7;");
      const r = await k.execute('console.log("waiting");\nawait new Promise(() => {});');
      expect(r.status).toBe("timeout");
      expect(r.outputs).toEqual([
        { output_type: "stream", name: "stdout", text: "waiting\n" },
        { output_type: "error", ename: "Timeout", evalue: "cell exceeded 1.5 s", traceback: ["Timeout: cell exceeded 1.5 s"] },
      ]);
      expect(k.alive).toBe(true);
      expect(value(await k.execute("kept * 6"))).toBe("42");
      // A busy loop cannot be interrupted: the kernel is killed, and says so for later cells.
      const loop = await k.execute("while (true) {}", { timeoutMs: 1000 });
      expect(loop.status).toBe("timeout");
      expect(loop.error?.evalue).toBe("cell exceeded 1 s");
      expect(k.alive).toBe(false);
      const after = await k.execute("kept");
      expect(after.status).toBe("died");
      expect(after.error?.ename).toBe("KernelDead");
    } finally {
      await k.close();
    }
  });

  it("detects process.exit() in a cell", async () => {
    const k = await Kernel.start({ cwd: FIXTURES });
    try {
      const r = await k.execute('console.log("bye");\nprocess.exit(0);');
      expect(r.status).toBe("died");
      expect(r.error?.ename).toBe("KernelDied");
      expect(r.error?.evalue).toMatch(/exited with code 0 .*process\.exit/);
      expect(k.alive).toBe(false);
    } finally {
      await k.close();
    }
  });

  it("stops a kernel that prints more than maxOutputBytes", async () => {
    const k = await Kernel.start({ cwd: FIXTURES, maxOutputBytes: 200_000 });
    try {
      const r = await k.execute('const line = "x".repeat(1000);\nfor (let i = 0; i < 1e6; i++) console.log(line);');
      expect(r.status).toBe("output_limit");
      expect(r.error?.ename).toBe("OutputLimitExceeded");
      const printed = streams(r, "stdout").join("").length;
      expect(printed).toBeLessThanOrEqual(200_000);
      expect(k.alive).toBe(false);
    } finally {
      await k.close();
    }
  });

  it("stops a memory bomb at the heap limit with a MemoryError", async () => {
    const k = await Kernel.start({ cwd: FIXTURES, maxOldSpaceMb: 400 });
    try {
      const r = await k.execute("const hoard: number[][] = [];\nwhile (true) hoard.push(new Array(1e6).fill(Math.random()));");
      expect(r.status).toBe("died");
      expect(r.error?.ename).toBe("MemoryError");
      expect(r.error?.evalue).toMatch(/400 MB heap limit/);
    } finally {
      await k.close();
    }
  });

  it("passes preload messages to the parent and refuses results forged on the result pipe", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-preload-"));
    const preload = path.join(dir, "preload.js");
    fs.writeFileSync(
      preload,
      "exports.setupKernelChild = (api) => { globalThis.report = (score) => api.send({ score }); api.send('loaded'); };\n",
    );
    const k = await Kernel.start({ cwd: dir, preload });
    const seen: unknown[] = [];
    k.onMessage = (m) => seen.push(m);
    try {
      const r = await k.execute("(globalThis as any).report(3);");
      expect(r.messages).toEqual([{ score: 3 }]);
      expect(seen).toEqual([{ score: 3 }]);
      // A cell that writes a fake "done" to the pipe has no token: the parent stops trusting the kernel.
      const forged = await k.execute(
        'import * as fs from "fs";\nfs.writeSync(4, JSON.stringify({ k: "guess", s: 99, t: "custom", id: 2, message: { score: 100 } }) + "\\n");',
      );
      expect(forged.status).toBe("died");
      expect(forged.error?.evalue).toMatch(/private result channel/);
      expect(forged.messages).toEqual([]);
      expect(seen).toEqual([{ score: 3 }]);
    } finally {
      await k.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("runNotebook", () => {
  it("executes the fixture like the kernel: numbered cells, outputs in place, blank cells skipped", async () => {
    const nb = readNotebookFile(path.join(FIXTURES, "basics.ipynb"));
    const r = await runNotebook(nb, { cwd: FIXTURES });
    expect(r.ok).toBe(false); // the last cell has a type error
    const code = r.notebook.cells.filter((c) => c.cell_type === "code");
    const counts = code.map((c) => (c as { execution_count: number | null }).execution_count);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, null, 9]); // the whitespace-only cell is not run
    expect(r.cells.map((c) => c.status)).toEqual(["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "error"]);
    const outputsOf = (k: number) => (code[k] as { outputs: Output[] }).outputs;
    expect(outputsOf(1)).toEqual([{ output_type: "execute_result", execution_count: 2, data: { "text/plain": "42" }, metadata: {} }]);
    expect(outputsOf(7)).toEqual([{ output_type: "display_data", data: { "text/plain": "step 2" }, metadata: {} }]);
    expect(r.notebook.metadata.language_info).toMatchObject({ name: "typescript" });
    // the input is not modified
    expect(nb.cells.filter((c) => c.cell_type === "code").every((c) => (c as { outputs: Output[] }).outputs.length === 0)).toBe(true);
  });

  it("stops at the first error unless errors are allowed; later cells are left without outputs", async () => {
    const nb = notebook("console.log(1)", "throw new Error('stop here')", "console.log(3)");
    const stopped = await runNotebook(nb, { cwd: FIXTURES });
    expect(stopped.cells.map((c) => c.status)).toEqual(["ok", "error"]);
    expect(stopped.notebook.cells[2]).toMatchObject({ outputs: [], execution_count: null });
    const allowed = await runNotebook(nb, { cwd: FIXTURES, allowErrors: true });
    expect(allowed.cells.map((c) => c.status)).toEqual(["ok", "error", "ok"]);
    expect(allowed.ok).toBe(false);
  });

  it("enforces the notebook time limit across cells", async () => {
    const nb = notebook("1", "await new Promise(() => {});", "2");
    const r = await runNotebook(nb, { cwd: FIXTURES, cellTimeoutMs: 600_000, notebookTimeoutMs: 4000, allowErrors: true });
    // The endless cell is stopped by the notebook's limit (not its own 600 s one), and nothing runs after it.
    const last = r.cells.at(-1)!;
    expect(last.status).toBe("timeout");
    expect(last.error?.evalue).toBe("notebook exceeded 4 s");
    expect(r.cellIndices.at(-1)).toBeLessThanOrEqual(1);
    expect(r.notebook.cells[2]).toMatchObject({ outputs: [], execution_count: null });
  });

  it("refuses a notebook written for another language", async () => {
    const nb = notebook("print(1)");
    nb.metadata.kernelspec = { name: "python3", display_name: "Python 3", language: "python" };
    await expect(runNotebook(nb, { cwd: FIXTURES })).rejects.toThrow(NotebookLanguageError);
  });
});
