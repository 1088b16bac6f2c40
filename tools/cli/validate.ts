// nnlab validate: the solution earns full marks, the untouched student version earns none.
import { DEFAULT_CELL_TIMEOUT_MS } from "../engine/limits";
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { validateAssignment } from "../grader/validate";
import { CompilerPool } from "../grader/compiler";
import { SandboxRoot } from "../grader/sandbox";
import { CliError } from "./errors";

export function register(program: Command): void {
  program
    .command("validate")
    .description("check assignments: the solution passes every test with full points, and the generated student version fails every test that depends on a solution region")
    .argument("[notebooks...]", "solution notebooks (default: solutions/*.ipynb)")
    .option("--cell-timeout <seconds>", "time limit per cell", String(DEFAULT_CELL_TIMEOUT_MS / 1000))
    .option("--json", "print the reports as JSON")
    .option("--strict", "treat warnings (tests whose verdict the student's code could forge) as failures")
    .addHelpText(
      "after",
      `
Warnings name hidden tests whose verdict the student's process could decide (check.ok on a
condition, an expected value computed by the student's code), tests that only check that calls
throw, and tests that depend on Math.random or the clock. See docs/security.md.
Exit status: 0 every assignment is valid (and, with --strict, has no warnings), 1 otherwise, 2 bad usage.`,
    )
    .action(async (notebooks: string[], opts: { cellTimeout: string; json?: boolean; strict?: boolean }) => {
      let inputs = notebooks;
      if (inputs.length === 0) {
        inputs = fs.existsSync("solutions") ? fs.readdirSync("solutions").filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join("solutions", f)) : [];
        if (inputs.length === 0) throw new CliError("validate: no notebooks given and no solutions/*.ipynb here");
      }
      const cellTimeoutMs = Number(opts.cellTimeout) * 1000;
      if (!(cellTimeoutMs > 0)) throw new CliError(`validate: --cell-timeout must be a positive number of seconds, got "${opts.cellTimeout}"`);
      const reports = [];
      // One warm converter for all the notebooks (starting one takes seconds).
      const sandbox = SandboxRoot.create();
      const compiler = await CompilerPool.start({ cwd: sandbox.compileDir });
      try {
        for (const file of inputs) {
          const report = await validateAssignment(file, { limits: { cellTimeoutMs }, compiler });
          reports.push(report);
          if (opts.json) continue;
          if (report.ok) {
            const s = report.solution!;
            console.log(`ok: ${file} (solution ${s.score}/${s.maxScore}, student version ${report.student!.score}/${s.maxScore})`);
          } else {
            console.log(`FAILED: ${file}`);
            for (const p of report.problems) console.log(`  - ${p}`);
          }
          for (const w of report.warnings) console.log(`  warning: ${w}`);
        }
      } finally {
        await compiler.close();
        sandbox.dispose();
      }
      if (opts.json) {
        const plain = reports.map((r) => ({ file: r.file, ok: r.ok, problems: r.problems, warnings: r.warnings, solution_score: r.solution?.score, student_score: r.student?.score, max_score: r.solution?.maxScore }));
        process.stdout.write(JSON.stringify(plain, null, 2) + "\n");
      }
      if (reports.some((r) => !r.ok || (opts.strict && r.warnings.length > 0))) process.exitCode = 1;
    });
}
