// The `nnlab` command line (bin/nnlab.js calls main()).
//
// ADDING A COMMAND: write tools/cli/<name>.ts exporting
//     export function register(program: Command): void   // program.command("<name>")...action(...)
// then add its import next to `import * as run` below and its name to COMMANDS.
// In an action: throw new CliError("message") for bad input (printed as "nnlab: message",
// no stack trace, exit 2), or set process.exitCode = 1 for "ran, but something failed".
// Never call process.exit() in an action: main() returns the exit code.
import { Command, CommanderError } from "commander";
import { CliError } from "./errors";
import * as run from "./run";
import * as generate from "./generate";
import * as validate from "./validate";
import * as grade from "./grade";
import * as merge from "./merge";
import * as gradescope from "./gradescope";
import * as release from "./release";

export { CliError } from "./errors";

interface CommandModule {
  register(program: Command): void;
}

const COMMANDS: CommandModule[] = [run, generate, validate, grade, merge, gradescope, release];

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("nnlab")
    .description("Run, generate, validate and grade nnlab TypeScript notebooks.")
    .version(version(), "-V, --version")
    .showHelpAfterError("(run nnlab --help for usage)")
    .exitOverride();
  for (const cmd of COMMANDS) cmd.register(program);
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

/** Runs the CLI with `argv` (without "node nnlab"); resolves to the exit code (also set as process.exitCode). */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  // `nnlab … | head`: the reader left, so stop quietly as other command-line tools do.
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount("error") > 0) continue;
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
      throw e;
    });
  }
  let code: number;
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    code = typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : 2; // help, version, usage errors: commander printed them
    else if (e instanceof CliError) {
      process.stderr.write(`nnlab: ${e.message}\n`);
      code = e.exitCode;
    } else {
      process.stderr.write(`nnlab: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      code = 70;
    }
  }
  process.exitCode = code;
  return code;
}

function version(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("../../package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}
