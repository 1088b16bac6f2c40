// nnlab release student --out DIR        the course as students receive it
// nnlab release worked E03 E05 --out DIR  executed worked solutions, hidden tests removed
import { Command, InvalidArgumentError } from "commander";
import { NotebookError } from "../notebook";
import { AssignmentError } from "../assignment/generate";
import { ReleaseError } from "../release/files";
import { LockfileError } from "../release/package";
import { releaseStudentEdition } from "../release/student";
import { releaseWorkedSolutions } from "../release/worked";
import { PROJECT_ROOT } from "../project-root";
import { CliError } from "./errors";

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number of seconds");
  return n;
}

/** Release errors are about the course's files or the output folder: say so without a stack trace. */
function asCliError(e: unknown): never {
  if (e instanceof ReleaseError || e instanceof LockfileError || e instanceof AssignmentError || e instanceof NotebookError) {
    throw new CliError(`release: ${e.message}`, 1);
  }
  throw e;
}

export function register(program: Command): void {
  const release = program
    .command("release")
    .description("write what students receive: the student edition of the course, or worked solutions after the deadline");

  release
    .command("student")
    .description("write the student edition: lectures, exercises, the course library and what npm install / npm run lab need — no solutions, no hidden tests, no grader")
    .requiredOption("--out <dir>", "folder to write (outside the course; e.g. a clone of the students' repository)")
    .option("--course <dir>", "the course folder to release (default: the one this nnlab belongs to)", PROJECT_ROOT)
    .option("--force", "replace the contents of a non-empty --out folder (its .git is kept)")
    .addHelpText(
      "after",
      `
The exercises are generated afresh from solutions/*.ipynb; lecture notebooks
and lib/ are copied as committed; package.json and package-lock.json keep only
the dependencies the library, the kernel and its build use. Before anything is
written, every file is searched for solution regions, hidden-test lines and
paths into solutions/; if one is found, nothing is written (exit 1).
Same course, same bytes: commit the folder to the students' repository.

Examples:
  nnlab release student --out ../nnlab-student
  nnlab release student --out ../nnlab-student --force   # refresh it, keep .git`,
    )
    .action((flags: { out: string; course: string; force?: boolean }) => {
      try {
        const edition = releaseStudentEdition(flags.course, flags.out, { force: flags.force });
        for (const w of edition.warnings) console.error(`warning: ${w}`);
        console.log(`wrote ${edition.files.size} files to ${flags.out}: ${edition.lectures.length} lectures, ${edition.exercises.length} exercises, no solutions or hidden tests`);
      } catch (e) {
        asCliError(e);
      }
    });

  release
    .command("worked")
    .description("write executed worked solutions of exercises: solution code, visible tests and outputs; hidden tests removed")
    .argument("<exercises...>", "exercises by id (E03), file name (E03-gradient-step) or path (solutions/E03-gradient-step.ipynb)")
    .requiredOption("--out <dir>", "folder to write the notebooks into (same file names as in solutions/)")
    .option("--course <dir>", "the course folder (default: the one this nnlab belongs to)", PROJECT_ROOT)
    .option("--cell-timeout <seconds>", "time limit per cell", seconds, 120)
    .addHelpText(
      "after",
      `
Each notebook runs headless top to bottom (as nnlab run does). A worked
solution whose visible tests fail is not written (exit 1): hand out only
answers that pass. Hidden tests are cut out before running, so neither
their code nor their output is in the result.

Example:
  nnlab release worked E03 E05 --out worked/`,
    )
    .action(async (exercises: string[], flags: { out: string; course: string; cellTimeout: number }) => {
      try {
        const results = await releaseWorkedSolutions(flags.course, exercises, flags.out, { cellTimeoutMs: flags.cellTimeout * 1000 });
        let failed = 0;
        for (const r of results) {
          if (r.ok) console.log(`ok     ${r.target}`);
          else {
            failed++;
            console.error(`error  ${r.source}: ${r.problem}`);
          }
        }
        if (failed > 0) process.exitCode = 1;
      } catch (e) {
        asCliError(e);
      }
    });
}
