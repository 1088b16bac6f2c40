// The Jupyter messaging protocol, message by message, against the course's
// kernel (tslab patched by patches/, started by scripts/kernel.js): error
// replies and `error` outputs, stop_on_error, execute_result, and importing
// "nnlab" from a folder outside the checkout. Every notebook run through the
// same kernel is notebooks-in-kernel.test.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelExchange, ROOT, runKernelSession, runWithNbclient } from "../helpers/jupyter";

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
