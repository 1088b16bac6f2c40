// Acceptance: nnlab's engine gives the same outputs as the real tslab kernel
// driven by a Jupyter client (nbclient in the project venv), cell by cell:
// output types, stream names and text, every MIME type and value, execution
// counts and the notebook's language_info.
//
// One deliberate difference: the kernel reports a failing cell as stderr text
// (it sends no "error" message); nnlab turns that text into an `error` output
// with ename/evalue/traceback. For failing cells the test checks that the
// error output carries the kernel's message and the same user-code frames.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runNotebook } from "../../tools/engine";
import { readNotebookFile } from "../../tools/notebook";
import { runWithNbclient } from "../helpers/jupyter";

const FIXTURES = path.join(__dirname, "..", "fixtures", "notebooks");

type Out = { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown>; metadata?: unknown; ename?: string; evalue?: string; traceback?: string[] };
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
      result.push({ output_type: o.output_type, data, metadata: o.metadata });
    } else result.push(o);
  }
  return result;
}

/** Header lines of a Node error print-out and the frames in notebook code (evalmachine), without kernel internals. */
function userPart(lines: string[]): string[] {
  return lines.filter((l) => !/^\s+at /.test(l) || l.includes("evalmachine.<anonymous>"));
}

describe("kernel parity: nnlab engine vs the real tslab kernel (nbclient)", () => {
  it.each(["basics.ipynb", "throws.ipynb"])(
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
        const expected = normalise(realCells[i].outputs ?? []);
        const actual = normalise(ourCells[i].outputs ?? []);
        if (status.get(i) !== "error") {
          expect(actual, where).toEqual(expected);
          compared++;
          continue;
        }
        // A failing cell: the kernel's last output is the error on stderr; ours is an error output.
        failing++;
        const kernelText = expected.at(-1)!;
        const ourError = actual.at(-1)!;
        expect(kernelText).toMatchObject({ output_type: "stream", name: "stderr" });
        expect(ourError.output_type, where).toBe("error");
        expect(actual.slice(0, -1), `${where}: outputs before the error`).toEqual(expected.slice(0, -1));
        const kernelLines = (kernelText.text as string).replace(/\n$/, "").split("\n");
        expect(kernelLines, where).toContain(ourError.ename === "TypeScriptError" ? ourError.evalue : `${ourError.ename}: ${ourError.evalue}`);
        expect(userPart(ourError.traceback!), where).toEqual(userPart(kernelLines));
      }
      expect(compared).toBeGreaterThan(0);
      expect(failing).toBe(1); // each fixture ends with one failing cell
    },
    600_000,
  );
});
