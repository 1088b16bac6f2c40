// nnlab gradescope solutions/X.ipynb -o autograder.zip
import { DEFAULT_CELL_TIMEOUT_MS } from "../engine/limits";
import fs from "node:fs";
import { Command } from "commander";
import { NotebookError } from "../notebook";
import { AssignmentError } from "../assignment/generate";
import { buildAutograder, HIDDEN_VISIBILITIES, HiddenVisibility } from "../gradescope/build";
import type { Limits } from "../grader/sandbox";
import { CliError } from "./errors";

interface Flags {
  out: string;
  hidden: string;
  node?: string;
  cellTimeout?: string;
  timeout?: string;
  memory?: string;
}

const positive = (name: string, v: string | undefined, scale: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0)) throw new CliError(`gradescope: ${name} must be a positive number, got "${v}"`);
  return n * scale;
};

export function register(program: Command): void {
  program
    .command("gradescope")
    .description("build a Gradescope autograder zip (setup.sh, run_autograder, the grader) for one assignment")
    .argument("<assignment>", "the instructor's notebook (solutions/X.ipynb)")
    .option("-o, --out <zip>", "where to write the zip", "autograder.zip")
    .option("--hidden <visibility>", `Gradescope visibility of tests with hidden parts: ${HIDDEN_VISIBILITIES.join(", ")}`, "after_published")
    .option("--node <tarball>", "ship this Node release (node-vX.Y.Z-linux-x64.tar.xz) so setup.sh needs no download of Node")
    .option("--cell-timeout <seconds>", `time limit per cell (default ${DEFAULT_CELL_TIMEOUT_MS / 1000})`)
    .option("--timeout <seconds>", "time limit per notebook (default 600)")
    .option("--memory <MB>", "memory limit of the kernel (default 1536)")
    .addHelpText(
      "after",
      `
Upload the zip as the assignment's autograder ("Zip file upload"). On
Gradescope, setup.sh installs Node (if the image lacks Node >= 20) and the
course's dependencies pinned by package-lock.json; run_autograder grades the
submitted notebook (the one named like the assignment, if several) and writes
/autograder/results/results.json. Tests with hidden parts get --hidden
visibility ("after_published": students see them once grades are published).

Example:
  nnlab gradescope solutions/E03-gradient-step.ipynb -o E03-autograder.zip`,
    )
    .action((assignment: string, flags: Flags) => {
      if (!fs.existsSync(assignment)) throw new CliError(`gradescope: ${assignment}: no such file`);
      if (!HIDDEN_VISIBILITIES.includes(flags.hidden as HiddenVisibility)) {
        throw new CliError(`gradescope: --hidden must be one of ${HIDDEN_VISIBILITIES.join(", ")}, got "${flags.hidden}"`);
      }
      if (flags.node && !fs.existsSync(flags.node)) throw new CliError(`gradescope: --node ${flags.node}: no such file`);
      const limits: Partial<Limits> = {};
      const cell = positive("--cell-timeout", flags.cellTimeout, 1000);
      const notebook = positive("--timeout", flags.timeout, 1000);
      const memory = positive("--memory", flags.memory, 1);
      if (cell) limits.cellTimeoutMs = cell;
      if (notebook) limits.notebookTimeoutMs = notebook;
      if (memory) {
        limits.maxRssMb = memory;
        limits.maxOldSpaceMb = Math.max(64, Math.floor(memory));
      }
      try {
        const r = buildAutograder({ assignment, out: flags.out, hiddenVisibility: flags.hidden as HiddenVisibility, limits, nodeTarball: flags.node });
        console.log(`wrote ${r.out} (${(r.bytes / 1024 / 1024).toFixed(1)} MB, ${r.files} files): ${r.tests} test cell(s), ${r.maxScore} point(s)`);
      } catch (e) {
        if (e instanceof AssignmentError || e instanceof NotebookError) throw new CliError(`gradescope: the assignment cannot be used: ${e.message}`);
        throw new CliError(`gradescope: ${(e as Error).message}`, 1);
      }
    });
}
