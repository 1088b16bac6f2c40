// Acceptance: nnlab's headless engine gives the same outputs as the course's
// Jupyter kernel (tslab patched by patches/, driven by nbclient in the project
// venv), cell by cell and without exceptions: output types, stream names and
// text, every MIME type and value, execute_result and error outputs (ename,
// evalue, traceback), execution counts and the notebook's language_info.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runNotebook } from "../../tools/engine";
import { readNotebookFile } from "../../tools/notebook";
import { runWithNbclient } from "../helpers/jupyter";

const FIXTURES = path.join(__dirname, "..", "fixtures", "notebooks");

type Out = { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown>; metadata?: unknown; ename?: string; evalue?: string; traceback?: string[]; execution_count?: number | null };
type Cell = { cell_type: string; execution_count?: number | null; outputs?: Out[] };

const joined = (v: unknown) => (Array.isArray(v) ? v.join("") : v);

/** Outputs with multi-line lists joined and consecutive same-name streams merged (nbclient leaves them apart; JupyterLab merges). */
function normalise(outputs: Out[]): Out[] {
  const result: Out[] = [];
  for (const o of outputs) {
    const last = result[result.length - 1];
    if (o.output_type === "stream") {
      if (last?.output_type === "stream" && last.name === o.name) last.text = (last.text as string) + joined(o.text);
      else result.push({ output_type: "stream", name: o.name, text: joined(o.text) as string });
    } else if (o.output_type === "display_data" || o.output_type === "execute_result") {
      const data = Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, k.endsWith("json") ? v : joined(v)]));
      result.push({ ...o, data });
    } else result.push(o);
  }
  return result;
}

describe("kernel parity: nnlab engine vs the course's Jupyter kernel (nbclient)", () => {
  it.each(["basics.ipynb", "throws.ipynb", "quirks.ipynb"])(
    "%s gives the same outputs cell by cell",
    async (name) => {
      const file = path.join(FIXTURES, name);
      const [real, ours] = await Promise.all([
        runWithNbclient(file, { allowErrors: true, timeoutS: 180 }),
        runNotebook(readNotebookFile(file), { cwd: FIXTURES, allowErrors: true, cellTimeoutMs: 180_000 }),
      ]);
      expect(real.notebook, real.stderr).not.toBeNull();
      const realCells = real.notebook!.cells as Cell[];
      const ourCells = ours.notebook.cells as unknown as Cell[];
      expect(ourCells.length).toBe(realCells.length);
      expect(ours.notebook.metadata.language_info).toEqual((real.notebook as unknown as { metadata: Record<string, unknown> }).metadata.language_info);

      const status = new Map(real.cells.map((c) => [c.index, c.status]));
      let compared = 0;
      let failing = 0;
      for (let i = 0; i < realCells.length; i++) {
        if (realCells[i].cell_type !== "code") continue;
        const where = `${name}, cell ${i}`;
        expect(ourCells[i].execution_count, where).toBe(realCells[i].execution_count);
        expect(normalise(ourCells[i].outputs ?? []), where).toEqual(normalise(realCells[i].outputs ?? []));
        // The kernel's reply agrees with the outputs: status "error" exactly when the cell has an error output.
        const hasError = (realCells[i].outputs ?? []).some((o) => o.output_type === "error");
        if (status.has(i)) expect(status.get(i) === "error", where).toBe(hasError);
        if (hasError) failing++;
        compared++;
      }
      expect(compared).toBeGreaterThan(0);
      expect(failing).toBe(1); // each fixture ends with one failing cell
    },
    600_000,
  );
});
