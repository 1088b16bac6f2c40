// `nnlab run`: execute notebooks headlessly with tslab's executor, like
// `jupyter nbconvert --execute`, but without Python or a Jupyter server.
import { DEFAULT_CELL_TIMEOUT_MS } from "../engine/limits";
import fs from "node:fs";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { NotebookError, readNotebookFile, writeNotebookFile } from "../notebook";
import { KernelStartError, NotebookLanguageError, RunResult, runNotebook } from "../engine";
import { ImageStep, ImagesUnavailableError } from "../images";
import { CliError } from "./errors";

interface RunFlags {
  inplace?: boolean;
  out?: string;
  allowErrors?: boolean;
  cellTimeout: number;
  timeout?: number;
  quiet?: boolean;
  /** true: --images, false: --no-images, undefined: images when a Chromium is found. */
  images?: boolean;
}

export function register(program: Command): void {
  program
    .command("run")
    .description("Execute notebooks top to bottom with the tslab TypeScript executor (as JupyterLab's Run All would).")
    .argument("<notebooks...>", ".ipynb files to execute")
    .option("--inplace", "write the executed notebook back over each input file")
    .option("--out <dir>", "write executed notebooks into DIR (same file names)")
    .option("--allow-errors", "keep running after a failing cell; exit 0 if cells only raised errors (timeouts and crashes still fail)")
    .option("--cell-timeout <seconds>", "time limit per cell", seconds, DEFAULT_CELL_TIMEOUT_MS / 1000)
    .option("--timeout <seconds>", "time limit per notebook (default: none)", seconds)
    .option("--quiet", "print only notebooks that failed")
    .option("--images", "add an image (JPEG) of every plotly figure to written notebooks; fail if no Chromium is found (default: add them when one is)")
    .option("--no-images", "write figures as plotly JSON only")
    .addHelpText(
      "after",
      `
Without --inplace or --out the notebooks are only executed and checked; nothing is written.
Each notebook runs in its own kernel process with the notebook's folder as working directory.
Prints one line per notebook: "ok", or "error" and the first failing cell (1-based cell number
and In [n]); with --allow-errors a notebook whose cells raised still says "error".
Written notebooks (--inplace, --out) get an image of each plotly figure next to its
JSON, drawn by plotly.js in headless Chromium (/usr/bin/chromium or $NNLAB_CHROMIUM),
so GitHub, nbviewer and nbconvert show the figures too; without a Chromium the
notebooks are written without images and a note says so.
Exit status: 0 all notebooks ran cleanly (or only raised errors, with --allow-errors),
1 a notebook failed or could not be read, 2 bad usage.

Examples:
  nnlab run notebooks/*.ipynb                   check that every lecture runs
  nnlab run --inplace notebooks/01-intro.ipynb  refresh a notebook's outputs
  nnlab run --out executed/ --cell-timeout 120 solutions/*.ipynb`,
    )
    .action((files: string[], flags: RunFlags) => runCommand(files, flags));
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number of seconds");
  return n;
}

async function runCommand(files: string[], flags: RunFlags): Promise<void> {
  if (flags.inplace && flags.out) throw new CliError("run: use either --inplace or --out DIR, not both");
  if (flags.out) {
    const byName = new Map<string, string>();
    for (const f of files) {
      const other = byName.get(path.basename(f));
      if (other) throw new CliError(`run: ${other} and ${f} would both be written to ${path.join(flags.out, path.basename(f))}`);
      byName.set(path.basename(f), f);
    }
    if (fs.existsSync(flags.out) && !fs.statSync(flags.out).isDirectory()) {
      throw new CliError(`run: --out ${flags.out} exists and is not a directory`);
    }
  }

  const writes = !!(flags.inplace || flags.out);
  const images = new ImageStep(!writes || flags.images === false ? "off" : flags.images ? "required" : "auto", (l) => process.stderr.write(`${l}\n`));
  let unclean = 0;
  let failed = 0;
  try {
    await images.prepare().catch((e) => {
      throw e instanceof ImagesUnavailableError ? new CliError(`run: --images: ${e.reason}`, 1) : e;
    });
    for (const file of files) {
      const line = await runOne(file, flags, images);
      if (!line.ok) unclean++;
      if (!line.ok && !line.forgiven) failed++;
      if (!line.ok || !flags.quiet) process.stdout.write(`${line.ok ? "ok   " : "error"}  ${file}  ${line.text}\n`);
    }
  } finally {
    await images.close();
  }
  if (files.length > 1 && !flags.quiet) {
    process.stdout.write(`${files.length - unclean} of ${files.length} notebooks ran cleanly\n`);
  }
  if (failed > 0) process.exitCode = 1;
}

/** ok: every cell ran cleanly; forgiven: not ok, but --allow-errors lets the run pass. */
async function runOne(file: string, flags: RunFlags, images: ImageStep): Promise<{ ok: boolean; forgiven?: boolean; text: string }> {
  const started = Date.now();
  let result: RunResult;
  try {
    const nb = readNotebookFile(file);
    result = await runNotebook(nb, {
      cwd: path.dirname(path.resolve(file)),
      cellTimeoutMs: flags.cellTimeout * 1000,
      notebookTimeoutMs: flags.timeout ? flags.timeout * 1000 : undefined,
      allowErrors: !!flags.allowErrors,
    });
  } catch (e) {
    if (e instanceof NotebookError || e instanceof NotebookLanguageError || e instanceof KernelStartError) {
      return { ok: false, text: e instanceof NotebookError ? e.message.replace(`${file}: `, "") : e.message };
    }
    throw e;
  }

  const target = flags.inplace ? file : flags.out ? path.join(flags.out, path.basename(file)) : undefined;
  const pictures = target ? await images.add(result.notebook) : { note: "", failures: [] };
  if (target) writeNotebookFile(target, result.notebook);

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const summary = `(${result.cells.length} code cell${result.cells.length === 1 ? "" : "s"}, ${pictures.note ? `${pictures.note}, ` : ""}${seconds} s${target && !flags.inplace ? ` → ${target}` : ""})`;
  // Cells tagged "raises-exception" are expected to fail (as in nbclient).
  const failing = result.cells
    .map((cell, k) => ({ cell, index: result.cellIndices[k] }))
    .filter(({ cell, index }) => cell.status !== "ok" && !expectsError(result.notebook.cells[index].metadata));
  if (failing.length === 0 && pictures.failures.length > 0) return { ok: false, text: `figure image of ${pictures.failures[0]} ${summary}` };
  if (failing.length === 0) return { ok: true, text: summary };
  const { cell, index } = failing[0];
  const where = `cell ${index + 1} (In [${cell.executionCount ?? " "}])`;
  const error = cell.error ? `${cell.error.ename}: ${firstLine(cell.error.evalue)}` : cell.status;
  const more = failing.length > 1 ? ` (+${failing.length - 1} more failing cells)` : "";
  // --allow-errors forgives cells that raised; a timeout, crash or output flood still fails the run.
  const forgiven = !!flags.allowErrors && failing.every(({ cell: c }) => c.status === "error");
  return { ok: false, forgiven, text: `${forgiven ? "errors allowed, " : ""}${where}: ${error}${more} ${summary}` };
}

function expectsError(metadata: Record<string, unknown>): boolean {
  return Array.isArray(metadata.tags) && metadata.tags.includes("raises-exception");
}

function firstLine(s: string): string {
  const line = s.split("\n")[0];
  return line.length > 200 ? line.slice(0, 197) + "..." : line;
}
