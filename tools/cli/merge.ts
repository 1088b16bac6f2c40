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
    .action((dirs: string[], opts: { out?: string }) => {
      try {
        const report = mergeResults(dirs, opts.out ?? dirs[0]);
        console.log(`merged ${report.students} student(s) into ${report.csvFile}`);
        if (report.missing.length) {
          console.error(`incomplete: ${report.missing.length} missing`);
          for (const m of report.missing.slice(0, 50)) console.error(`  - ${m}`);
          process.exitCode = 1;
        }
      } catch (e) {
        throw new CliError(`merge: ${(e as Error).message}`, 1);
      }
    });
}
