// Every lecture notebook and every solution (plus our fixture), executed the
// way JupyterLab executes it — the real tslab kernel over the Jupyter
// protocol, driven by nbclient — must finish without a failed cell, and each
// cell's outputs must match nnlab's headless runner (tools/engine): the same
// stream names and text, the same MIME types of rich outputs. Lecture
// notebooks are committed executed: their committed outputs must also equal
// what the headless runner makes now (see isCommittedExecuted).
//
// "No error" is checked on the execute_reply statuses as well as on the outputs.
// The protocol itself, message by message, is kernel-protocol.test.ts.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runNotebook } from "../../tools/engine";
import { parseNotebook } from "../../tools/notebook";
import { FIXTURES, courseNotebooks, rel, runWithNbclient } from "../helpers/jupyter";

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
