// nnlab merge: one grades.csv from the folders written by `nnlab grade --shard i/n`.
import { Command } from "commander";
import { mergeResults } from "../grader/merge";
import { CliError } from "./errors";

export function register(program: Command): void {
  program
    .command("merge")
    .description("combine the results of sharded grading runs (nnlab grade --shard i/n) into one grades.csv")
    .argument("<dirs...>", "output folders of the shards (the same folder may be given once for all)")
    .option("--out <dir>", "where grades.csv (and student folders from other dirs) go; default: the first folder")
    .addHelpText(
      "after",
      `
Complete: writes grades.csv (exit 0). Something missing: writes no grades.csv,
only grades.incomplete.csv, lists what is missing and exits 1; grade the
missing shard again (nnlab grade … --shard i/n skips what is done) and merge
again.`,
    )
    .action((dirs: string[], opts: { out?: string }) => {
      let report;
      try {
        report = mergeResults(dirs, opts.out ?? dirs[0]);
      } catch (e) {
        throw new CliError(`merge: ${(e as Error).message}`, 1);
      }
      if (report.missing.length === 0) {
        console.log(`merged ${report.students} student(s) into ${report.csvFile}`);
        return;
      }
      console.error(`nnlab merge: incomplete, ${report.missing.length} missing; no grades.csv written (partial table: ${report.csvFile})`);
      for (const m of report.missing.slice(0, 50)) console.error(`  - ${m}`);
      if (report.missing.length > 50) console.error(`  … and ${report.missing.length - 50} more`);
      process.exitCode = 1;
    });
}
