// Compiler cases students meet, fixed in the kernel (patches/tslab+1.0.22.patch):
// object shorthand `{ x }` of a variable from an earlier cell, destructuring
// with a rename, and tracebacks that name the cell's own line. The headless
// engine runs tslab's patched converter and executor; kernel-parity.test.ts
// shows the Jupyter kernel gives the same outputs for this notebook.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runNotebook } from "../../tools/engine";
import { readNotebookFile } from "../../tools/notebook";

const FIXTURE = path.join(__dirname, "..", "fixtures", "notebooks", "quirks.ipynb");

describe("compiler cases across cells", () => {
  it(
    "shorthand and rename-destructuring work; the traceback names the cell's lines",
    async () => {
      const r = await runNotebook(readNotebookFile(FIXTURE), { cwd: path.dirname(FIXTURE), allowErrors: true, cellTimeoutMs: 120_000 });
      const outs = r.cells.map((c) => c.outputs);
      const value = (i: number) => outs[i].find((o) => o.output_type === "execute_result") as { data: Record<string, unknown> } | undefined;
      expect(r.cells.slice(0, 5).map((c) => [c.status, c.error?.evalue])).toEqual(Array(5).fill(["ok", undefined]));
      expect(value(1)?.data).toEqual({ "text/plain": "2" }); // { trainSet }
      expect(value(2)?.data).toEqual({ "text/plain": "[ 1, 2 ]" }); // const { a: renamed, b: { c } } = obj
      expect(value(3)?.data).toEqual({ "text/plain": "5" }); // ({ total } = …) assigns the earlier cell's variable
      const failed = r.cells[5];
      expect(failed.status).toBe("error");
      expect(failed.error).toEqual({
        ename: "Error",
        evalue: "thrown on line 4",
        // fails() is cell 5 (In[5]), its throw on line 4, column 11; the call on line 3 of In[6].
        traceback: ["Error: thrown on line 4", "    at fails (In[5]:4:11)", "    at In[6]:3:1"],
      });
    },
    180_000,
  );
});
