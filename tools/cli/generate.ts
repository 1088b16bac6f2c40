// nnlab generate: solutions/X.ipynb → exercises/X.ipynb (the student version).
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { NotebookError, readNotebookFile, serializeNotebook, writeFileAtomic } from "../notebook";
import { AssignmentError, generateStudentVersion } from "../assignment/generate";
import { CliError } from "./errors";

/** exercises/X.ipynb for solutions/X.ipynb (the last "solutions" folder in the path is swapped). */
export function defaultExercisePath(solution: string): string | undefined {
  const parts = path.normalize(solution).split(path.sep);
  const i = parts.lastIndexOf("solutions");
  if (i < 0 || i === parts.length - 1) return undefined;
  parts[i] = "exercises";
  return parts.join(path.sep);
}

function targets(inputs: string[], out: string | undefined): { from: string; to: string }[] {
  return inputs.map((from) => {
    let to: string | undefined;
    if (out) to = inputs.length === 1 && out.endsWith(".ipynb") ? out : path.join(out, path.basename(from));
    else to = defaultExercisePath(from);
    if (!to) throw new UsageError(`${from}: not in a solutions/ folder, so the student version has no default place; use --out FILE_OR_DIR`);
    if (path.resolve(to) === path.resolve(from)) throw new UsageError(`${from}: the student version would overwrite the solution; choose another --out`);
    return { from, to };
  });
}

class UsageError extends Error {}

export interface GenerateOutcome {
  from: string;
  to: string;
  state: "written" | "unchanged" | "stale" | "up to date";
}

/** Generates (or with check: compares) student versions. Throws UsageError, AssignmentError, NotebookError. */
export function generate(inputs: string[], opts: { out?: string; check?: boolean }): GenerateOutcome[] {
  return targets(inputs, opts.out).map(({ from, to }) => {
    const text = serializeNotebook(generateStudentVersion(readNotebookFile(from), from));
    const current = fs.existsSync(to) ? fs.readFileSync(to, "utf8") : undefined;
    if (opts.check) return { from, to, state: current === text ? "up to date" : "stale" };
    if (current === text) return { from, to, state: "unchanged" };
    writeFileAtomic(to, text);
    return { from, to, state: "written" };
  });
}

export function register(program: Command): void {
  program
    .command("generate")
    .description("make the student version of assignment notebooks: solution regions become stubs, hidden tests are removed, outputs cleared, checksums recorded")
    .argument("[notebooks...]", "solution notebooks (default: solutions/*.ipynb)")
    .option("--out <path>", "output file (one notebook) or folder (default: the same path with solutions/ → exercises/)")
    .option("--check", "write nothing; exit 1 if a student version is missing or out of date (for CI)")
    .addHelpText("after", "\nExamples:\n  nnlab generate                      # every solutions/*.ipynb → exercises/\n  nnlab generate solutions/squares.ipynb --out /tmp/squares.ipynb\n  nnlab generate --check              # CI: fails when exercises/ is stale")
    .action((notebooks: string[], opts: { out?: string; check?: boolean }) => {
      let inputs = notebooks;
      if (inputs.length === 0) {
        const dir = "solutions";
        inputs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(dir, f)) : [];
        if (inputs.length === 0) throw new CliError("generate: no notebooks given and no solutions/*.ipynb here");
      }
      try {
        const outcomes = generate(inputs, opts);
        let stale = 0;
        for (const o of outcomes) {
          if (o.state === "stale") {
            stale++;
            console.error(`stale: ${o.to} does not match ${o.from} (run: nnlab generate ${o.from})`);
          } else console.log(`${o.state}: ${o.to}`);
        }
        if (stale > 0) process.exitCode = 1;
      } catch (e) {
        if (e instanceof UsageError) throw new CliError(`generate: ${e.message}`);
        if (e instanceof AssignmentError || e instanceof NotebookError) throw new CliError(`generate: ${e.message}`, 1);
        throw e;
      }
    });
}
