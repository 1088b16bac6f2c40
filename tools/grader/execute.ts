// Grading step: execute planned steps in a kernel, one after another.
//
// Used for the student's sandboxed kernel (pipeline.ts) and for the trusted
// kernel that runs the solution (expectations.ts). Cells are converted by the
// shared compiler pool (each conversion with its own time limit) and sent
// already converted. A kernel that dies is restarted and brought back to the
// same state by replaying the cells that had succeeded — within the
// notebook's deadline and the notebook's output budget, which a restart does
// not reset.
import { CellExecution, Kernel, KernelOptions } from "../engine";
import type { CompilerPool, ConvertResult } from "./compiler";
import type { Step } from "./instrument";
import type { Limits } from "./sandbox";
import type { CompiledCell } from "./sandbox/precompiled";

/** After this many kernel crashes in one notebook, the rest of it is not run. */
const MAX_RESTARTS = 3;

export interface StepOutcome {
  step: Step;
  exec?: CellExecution;
  /** The converter's view of the cell (type errors are read from here, not from the kernel). */
  converted?: ConvertResult;
  /** Why the step did not run. */
  skipped?: string;
}

export interface ExecuteOptions {
  kernel: (maxOutputBytes: number) => KernelOptions;
  compiler: CompilerPool;
  limits: Limits;
  /** Problems found while running (time limit, crashes), one line each. */
  problems: string[];
}

/** The "source" a precompiled kernel receives: an already converted cell (sandbox/precompiled.ts). */
function packCell(converted: ConvertResult): string {
  const cell: CompiledCell = {
    nnlabCompiled: 1,
    result: {
      output: converted.output,
      declOutput: converted.declOutput,
      diagnostics: converted.diagnostics,
      hasToplevelAwait: converted.hasToplevelAwait,
      lastExpressionVar: converted.lastExpressionVar,
      sourceMap: converted.sourceMap,
    },
  };
  return JSON.stringify(cell);
}

export async function executeSteps(steps: Step[], opts: ExecuteOptions): Promise<StepOutcome[]> {
  const { limits, problems } = opts;
  const outcomes: StepOutcome[] = [];
  const deadline = Date.now() + limits.notebookTimeoutMs;
  let outputLeft = limits.maxOutputBytes;
  const left = () => deadline - Date.now();
  const timeLimit = `the notebook exceeded its time limit (${limits.notebookTimeoutMs / 1000} s)`;
  let kernel = await Kernel.start(opts.kernel(outputLeft));
  let restarts = 0;
  let prevDecl = "";
  const replay: string[] = [];
  let stopReason: string | undefined;
  const stop = (why: string) => {
    stopReason = why;
    problems.push(why);
  };
  try {
    for (const step of steps) {
      if (!stopReason && left() <= 0) stop(timeLimit);
      if (stopReason) {
        outcomes.push({ step, skipped: stopReason });
        continue;
      }
      const converted = await opts.compiler.convert(prevDecl, step.source, Math.max(1, Math.min(limits.cellTimeoutMs, left())));
      const envelope = packCell(converted);
      const exec = await kernel.execute(envelope, { timeoutMs: Math.max(1, Math.min(limits.cellTimeoutMs, left())) });
      outcomes.push({ step, exec, converted });
      if (exec.status === "ok") {
        prevDecl = converted.declOutput ?? "";
        replay.push(envelope);
      }
      if (kernel.alive) continue;
      outputLeft -= kernel.outputBytes;
      if (outputLeft <= 0) {
        stop(`the notebook printed more than its output limit (${Math.round(limits.maxOutputBytes / 1024 / 1024)} MiB)`);
        continue;
      }
      if (restarts >= MAX_RESTARTS) {
        stop(`the kernel stopped ${restarts + 1} times; the rest of the notebook was not run`);
        continue;
      }
      restarts++;
      kernel = await Kernel.start(opts.kernel(outputLeft));
      // Bring the new kernel to the same state: every cell that succeeded, in order, within the deadline.
      for (const cell of replay) {
        if (left() <= 0) {
          stop(timeLimit);
          break;
        }
        const again = await kernel.execute(cell, { timeoutMs: Math.max(1, Math.min(limits.cellTimeoutMs, left())) });
        if (again.status !== "ok" || !kernel.alive) {
          stop("after the kernel stopped, the cells before it could not be run again; the rest of the notebook was not run");
          break;
        }
      }
    }
  } finally {
    await kernel.close();
  }
  return outcomes;
}
