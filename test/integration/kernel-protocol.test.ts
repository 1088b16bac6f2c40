// Every lecture notebook and every solution (plus our fixture), executed the
// way JupyterLab executes it — the real tslab kernel over the Jupyter
// protocol, driven by nbclient — must finish without a failed cell, and each
// cell's outputs must match nnlab's headless runner (tools/engine): the same
// stream names and text, the same MIME types of rich outputs. Lecture
// notebooks are committed executed: their committed outputs must also equal
// what the headless runner makes now (see isCommittedExecuted).
//
// "No error" is checked on the execute_reply statuses as well as on the outputs.
//
// The first block checks the Jupyter messaging protocol itself, message by
// message, against the course's kernel (tslab patched by patches/, started by
// scripts/kernel.js): error replies and `error` outputs, stop_on_error,
// execute_result, and importing "nnlab" from a folder outside the checkout.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNotebook } from "../../tools/engine";
import { parseNotebook } from "../../tools/notebook";
import { FIXTURES, KernelExchange, ROOT, courseNotebooks, rel, runKernelSession, runWithNbclient } from "../helpers/jupyter";

describe("Jupyter messages of the course kernel", () => {
  // A folder outside the checkout, as a student's home or an nbgrader course folder.
  let outside: string;
  beforeAll(() => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-outside-"));
    expect(path.relative(ROOT, outside).startsWith("..")).toBe(true);
  });
  afterAll(() => fs.rmSync(outside, { recursive: true, force: true }));

  const types = (x: KernelExchange) => x.iopub.map((m) => m.msg_type);
  const errorMsg = (x: KernelExchange) => x.iopub.find((m) => m.msg_type === "error")?.content;

  it(
    "replies to failures with ename/evalue/traceback and an error message, honours stop_on_error, sends execute_result",
    async () => {
      const runtimeError = 'function boom(): never {\n  throw new RangeError("too big");\n}\nboom();';
      const [setup, nonStop, typeError, stop, after] = await runKernelSession(outside, [
        [{ code: 'import { check } from "nnlab";\ncheck.equal(1 + 1, 2);\n"imported " + typeof check.close' }],
        // Sent together: the second waits in the kernel's queue while the first fails.
        [
          { code: runtimeError, stop_on_error: false },
          { code: "const trainSet = [1, 2, 3];\ntrainSet.length * 2" },
        ],
        [
          { code: 'const n: number = "text";', stop_on_error: false },
          { code: "({ trainSet }).trainSet.length" },
        ],
        [
          { code: 'await new Promise((r) => setTimeout(r, 500));\nthrow new Error("stop here");', stop_on_error: true },
          { code: 'console.log("must not run");' },
        ],
        // Sent right after the failure's reply: runs (no time window of aborts).
        [{ code: '"after " + trainSet.length' }],
      ]);

      // A notebook outside the repository imports the course library.
      expect(setup[0].reply.status, JSON.stringify(setup[0])).toBe("ok");
      expect(setup[0].iopub).toContainEqual({
        msg_type: "execute_result",
        content: { execution_count: 1, data: { "text/plain": "'imported function'" }, metadata: {} },
      });

      // Runtime error: reply and iopub error, traceback naming the cell's own line (2).
      const [failed, next] = nonStop;
      expect(failed.reply).toMatchObject({ status: "error", ename: "RangeError", evalue: "too big" });
      const tb = failed.reply.traceback as string[];
      expect(tb[0]).toBe("RangeError: too big");
      expect(tb.join("\n")).toMatch(/at boom \(In\[2\]:2:9\)/);
      expect(tb.join("\n")).toMatch(/at In\[2\]:4:1/);
      expect(errorMsg(failed)).toEqual({ ename: "RangeError", evalue: "too big", traceback: tb });
      expect(types(failed)).not.toContain("stream"); // the error is not (also) printed on stderr
      // stop_on_error: false → the next request, already waiting, runs.
      expect(next.reply.status).toBe("ok");
      expect(next.iopub).toContainEqual({ msg_type: "execute_result", content: { execution_count: 3, data: { "text/plain": "6" }, metadata: {} } });

      // Type error: the same shape; and object shorthand of an earlier cell's variable works.
      expect(typeError[0].reply).toMatchObject({ status: "error", ename: "TypeScriptError" });
      expect(typeError[0].reply.evalue).toMatch(/^1:7 - Type 'string' is not assignable to type 'number'/);
      expect(errorMsg(typeError[0])).toMatchObject({ ename: "TypeScriptError", evalue: typeError[0].reply.evalue });
      expect(typeError[1].reply.status).toBe("ok");
      expect(typeError[1].iopub.find((m) => m.msg_type === "execute_result")?.content.data).toEqual({ "text/plain": "3" });

      // stop_on_error: true → the request that was waiting is aborted, without output.
      expect(stop[0].reply).toMatchObject({ status: "error", ename: "Error", evalue: "stop here" });
      expect(stop[1].reply.status).toBe("aborted");
      expect(stop[1].iopub).toEqual([]);
      expect(after[0].reply.status).toBe("ok");
      expect(after[0].iopub.find((m) => m.msg_type === "execute_result")?.content.data).toEqual({ "text/plain": "'after 3'" });
    },
    300_000,
  );

  it(
    "nbclient: a notebook outside the repository imports nnlab; failing cells get error outputs and the rest runs",
    async () => {
      const file = path.join(outside, "student.ipynb");
      const cell = (source: string) => ({ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source });
      const nb = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
        cells: [
          cell('import { check, Matrix } from "nnlab";\nconst m = Matrix.zeros(2, 3);\nm.rows * m.cols'),
          cell('check.equal(m.rows, 3, "rows");'),
          cell("const { rows: r, cols: c } = m;\n[r, c]"),
        ].map((c, i) => ({ ...c, id: `c${i}` })),
      };
      fs.writeFileSync(file, JSON.stringify(nb));
      const r = await runWithNbclient(file, { allowErrors: true, timeoutS: 180 });
      expect(r.notebook, r.stderr).not.toBeNull();
      expect(r.cells.map((c) => c.status)).toEqual(["ok", "error", "ok"]);
      // nbformat stores text as a list of lines: join them back.
      const text = (v: unknown) => (Array.isArray(v) ? v.join("") : v);
      const outputs = r.notebook!.cells.map((c) =>
        (c.outputs as Array<Record<string, unknown>>).map((o) => (o.data ? { ...o, data: { "text/plain": text((o.data as Record<string, unknown>)["text/plain"]) } } : o)),
      );
      expect(outputs[0]).toEqual([{ output_type: "execute_result", execution_count: 1, data: { "text/plain": "6" }, metadata: {} }]);
      expect(outputs[1]).toHaveLength(1);
      expect(outputs[1][0]).toMatchObject({ output_type: "error", ename: "CheckError" });
      expect(outputs[1][0].evalue).toMatch(/rows/);
      expect(outputs[2]).toEqual([{ output_type: "execute_result", execution_count: 3, data: { "text/plain": "[ 2, 3 ]" }, metadata: {} }]);
    },
    300_000,
  );
});

type AnyOutput = { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> };

/** Numbers followed by a time unit vary between runs (e.g. "epoch took 12 ms"). */
const maskTimings = (text: string) => text.replace(/\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds)\b/g, "<time>");

/** Outputs as the comparison sees them: consecutive streams merged, rich outputs reduced to MIME types. */
function comparable(outputs: readonly AnyOutput[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const o of outputs) {
    if (o.output_type === "stream") {
      const text = Array.isArray(o.text) ? o.text.join("") : (o.text ?? "");
      const last = out[out.length - 1];
      if (last && last.type === "stream" && last.name === o.name) last.text = (last.text as string) + text;
      else out.push({ type: "stream", name: o.name, text });
    } else if (o.output_type === "display_data" || o.output_type === "execute_result") {
      // nnlab run adds an image of each figure after execution; the kernel itself sends none.
      const data = o.data ?? {};
      out.push({ type: o.output_type, mime: Object.keys(data).filter((m) => !(m === "image/jpeg" && "application/vnd.plotly.v1+json" in data)).sort() });
    } else {
      out.push({ type: o.output_type });
    }
  }
  for (const o of out) if (typeof o.text === "string") o.text = maskTimings(o.text);
  return out;
}

const notebooks = [...courseNotebooks(), path.join(FIXTURES, "plot.ipynb")];

type NotebookCells = Array<{ cell_type: string; source: string | string[]; outputs?: unknown[]; execution_count?: number | null }>;

/**
 * Lecture notebooks are committed executed by the headless runner
 * (`nnlab run --inplace`): when every code cell carries an execution count,
 * the committed outputs must equal what the headless runner makes now.
 */
function isCommittedExecuted(cells: NotebookCells): boolean {
  const code = cells.filter((c) => c.cell_type === "code" && (Array.isArray(c.source) ? c.source.join("") : c.source).trim() !== "");
  return code.length > 0 && code.every((c) => c.execution_count !== null && c.execution_count !== undefined);
}

/** At most `n` notebooks at a time: each one runs two kernels, and the machine has 2 cores. */
function limiter(n: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
const slot = limiter(2);

describe("kernel protocol: real tslab kernel via nbclient vs the headless runner", () => {
  it("has notebooks to run", () => {
    expect(notebooks.length).toBeGreaterThan(0);
  });

  it.concurrent.each(notebooks.map((f) => [rel(f), f]))(
    "%s runs without error and matches the headless runner cell by cell",
    (name, file) =>
      slot(async () => {
        // Both sides come from the same text, read once (the file may be rewritten meanwhile).
        const content = fs.readFileSync(file, "utf8");
        const nb = parseNotebook(content, file);
        const committed = isCommittedExecuted(nb.cells as unknown as NotebookCells);
        // Every notebook also runs headless here (the course's "npm test runs them all").
        const [real, headlessCells] = await Promise.all([
          runWithNbclient(file, { timeoutS: 180, allowErrors: true, content }),
          runHeadless(),
        ]);
        const source = "the headless runner's outputs";
        if (committed) {
          // Lecture notebooks are committed executed: their outputs must be what the runner makes now.
          const committedCells = nb.cells as unknown as NotebookCells;
          committedCells.forEach((c, i) => {
            if (c.cell_type !== "code") return;
            expect(
              comparable((headlessCells[i].outputs ?? []) as AnyOutput[]),
              `${name}, cell ${i}: committed outputs are stale; re-run \`node bin/nnlab.js run ${name} --inplace\``,
            ).toEqual(comparable((c.outputs ?? []) as AnyOutput[]));
          });
        }

        async function runHeadless(): Promise<NotebookCells> {
          const headless = await runNotebook(nb, { cwd: path.dirname(file), cellTimeoutMs: 180_000, allowErrors: true });
          const failed = headless.cells
            .map((c, i) => ({ index: headless.cellIndices[i], status: c.status, error: c.error?.evalue }))
            .filter((c) => c.status !== "ok");
          expect(failed, `headless runner on ${name}`).toEqual([]);
          return headless.notebook.cells as unknown as NotebookCells;
        }

        // The real kernel: every code cell replied "ok" and no output is an error.
        expect(real.exitCode, `nbclient on ${name}:\n${real.stderr}`).toBe(0);
        expect(real.notebook).not.toBeNull();
        const failed = real.cells.filter((c) => c.status !== "ok");
        expect(failed, `cells whose execute_reply was not ok in ${name}`).toEqual([]);

        // Same cells, same outputs, cell by cell.
        const realCells = real.notebook!.cells;
        expect(headlessCells.length).toBe(realCells.length);
        let compared = 0;
        for (let i = 0; i < realCells.length; i++) {
          if (realCells[i].cell_type !== "code") continue;
          const expected = comparable((realCells[i].outputs ?? []) as AnyOutput[]);
          const actual = comparable((headlessCells[i].outputs ?? []) as AnyOutput[]);
          expect(actual, `${name}, cell ${i} (0-based): ${source} differ from the real kernel's`).toEqual(expected);
          expect(actual.filter((o) => o.type === "error"), `${name}, cell ${i}: error output`).toEqual([]);
          compared++;
        }
        expect(compared).toBeGreaterThan(0);
      }),
    900_000,
  );
});
