// runNotebook: executes a notebook's code cells in order in one Kernel, like
// nbclient does with the tslab kernel, and returns the executed copy.
import { cloneJson } from "../notebook/write";
import { CodeCell, Notebook } from "../notebook/types";
import { CellExecution, Kernel, KernelOptions, formatSeconds } from "./kernel";
import { DEFAULT_CELL_TIMEOUT_MS } from "./limits";
import { executeResultOf } from "./result";

export interface RunOptions extends KernelOptions {
  /** Time limit for the whole notebook (default: none). */
  notebookTimeoutMs?: number;
  /** Keep running after a failing cell (nbclient's allow_errors). Default false. */
  allowErrors?: boolean;
  /** Stop at the first failing cell. Default: !allowErrors. A dead kernel always stops the run. */
  stopOnError?: boolean;
}

export interface RunResult {
  /** A copy of the input with outputs and execution counts filled in. */
  notebook: Notebook;
  /** One entry per executed code cell, in order. */
  cells: CellExecution[];
  /** Index (in notebook.cells) of each entry of `cells`. */
  cellIndices: number[];
  /** True when every executed cell succeeded (cells tagged "raises-exception" may fail). */
  ok: boolean;
}

/** What tslab's kernel reports as language_info; nbclient copies it into the notebook. */
export const TSLAB_LANGUAGE_INFO = {
  codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
  file_extension: ".ts",
  mimetype: "text/typescript",
  name: "typescript",
  version: "3.7.2",
};

export class NotebookLanguageError extends Error {
  constructor(readonly language: string) {
    super(`this notebook is for ${language}, not TypeScript (tslab); nnlab only runs TypeScript notebooks`);
    this.name = "NotebookLanguageError";
  }
}

/** The notebook's language from its kernelspec / language_info, or undefined when it does not say. */
export function notebookLanguage(nb: Notebook): string | undefined {
  const spec = nb.metadata.kernelspec as { language?: unknown; name?: unknown } | undefined;
  const info = nb.metadata.language_info as { name?: unknown } | undefined;
  const lang = spec?.language ?? info?.name;
  if (typeof lang === "string" && lang) return lang.toLowerCase();
  if (typeof spec?.name === "string" && spec.name) return spec.name === "tslab" ? "typescript" : spec.name.toLowerCase();
  return undefined;
}

export async function runNotebook(nb: Notebook, opts: RunOptions): Promise<RunResult> {
  const language = notebookLanguage(nb);
  if (language !== undefined && language !== "typescript") throw new NotebookLanguageError(language);

  const out = cloneJson(nb);
  out.metadata.language_info = cloneJson(TSLAB_LANGUAGE_INFO);
  const stopOnError = opts.stopOnError ?? !opts.allowErrors;
  const cellTimeout = opts.cellTimeoutMs ?? DEFAULT_CELL_TIMEOUT_MS;
  const cells: CellExecution[] = [];
  const cellIndices: number[] = [];
  let ok = true;
  let stopped = false;

  const kernel = await Kernel.start(opts);
  // The notebook's clock starts when its kernel is ready (start-up has its own limit).
  const deadline = opts.notebookTimeoutMs ? Date.now() + opts.notebookTimeoutMs : Infinity;
  try {
    for (let i = 0; i < out.cells.length; i++) {
      const cell = out.cells[i];
      // nbclient skips non-code cells, blank cells and cells tagged skip-execution.
      if (cell.cell_type !== "code" || cell.source.trim() === "" || tags(cell).includes("skip-execution")) continue;
      if (stopped) {
        // Cells after the stop did not run in this session: leave no stale outputs behind.
        cell.outputs = [];
        cell.execution_count = null;
        continue;
      }
      const left = deadline - Date.now();
      const notebookLimited = left < cellTimeout;
      let result = await kernel.execute(cell.source, { timeoutMs: Math.max(1, Math.min(cellTimeout, left)) });
      if (result.status === "timeout" && notebookLimited) result = notebookTimeout(result, opts.notebookTimeoutMs ?? 0);
      const value = executeResultOf(result);
      if (value) result.outputs.push(value);
      cells.push(result);
      cellIndices.push(i);
      (cell as CodeCell).outputs = result.outputs;
      (cell as CodeCell).execution_count = result.executionCount;
      if (result.status !== "ok" && !tags(cell).includes("raises-exception")) {
        ok = false;
        if (stopOnError || !kernel.alive || Date.now() >= deadline) stopped = true;
      }
    }
  } finally {
    await kernel.close();
  }
  return { notebook: out, cells, cellIndices, ok };
}

function tags(cell: CodeCell): string[] {
  const t = cell.metadata.tags;
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : [];
}

/** A cell stopped by the notebook's limit says so (not "cell exceeded 3 s"). */
function notebookTimeout(r: CellExecution, ms: number): CellExecution {
  const error = { ename: "Timeout", evalue: `notebook exceeded ${formatSeconds(ms)}`, traceback: [`Timeout: notebook exceeded ${formatSeconds(ms)}`] };
  const outputs = r.outputs.slice(0, -1).concat({ output_type: "error", ...error });
  return { ...r, outputs, error };
}
