// Grading step: what the student is told, and what the student's process may say.
//
// Once the first hidden run has started in the student's kernel, that
// process has seen hidden inputs; from then on nothing it produces (printed
// text, error messages, reported values) reaches feedback — only what the
// grader knows on its own: verdicts, the expected side of visible checks,
// time limits, crashes, type errors from the grader's own converter, and the
// hints instructors chose to publish. Before that point, visible tests show
// the student's output and values in full.
import type { CellExecution } from "../engine";
import type { StepOutcome } from "./execute";
import type { RunVerdict } from "./judge";

/** Error names the student's kernel may report that carry no information of their own. */
const PLAIN_ERROR_NAMES = new Set(["Error", "TypeError", "RangeError", "ReferenceError", "SyntaxError", "EvalError", "URIError", "ShapeError", "CheckError", "TypeScriptError"]);

/** Index of the first outcome that ran hidden code in the student's kernel (Infinity if none did). */
export function firstHiddenRun(outcomes: StepOutcome[]): number {
  const i = outcomes.findIndex((o) => o.step.test?.hidden && o.exec);
  return i < 0 ? Infinity : i;
}

function firstLine(s: string): string {
  const line = s.split("\n")[0];
  return line.length > 200 ? line.slice(0, 197) + "..." : line;
}

/** Type errors as the grader's own converter saw them (never text from the kernel). */
function typeErrors(o: StepOutcome): string | undefined {
  const d = o.converted?.diagnostics ?? [];
  if (d.length === 0) return undefined;
  const at = d[0].start.line + 1;
  return `type error at line ${at}: ${firstLine(d[0].messageText)}${d.length > 1 ? ` (+${d.length - 1} more)` : ""}`;
}

/** One line about a failed execution; `trusted` says whether the student's own text may be shown. */
export function errorLine(o: StepOutcome, trusted: boolean): string {
  const exec = o.exec as CellExecution;
  const e = exec.error;
  // Time limits, crashes, memory and output limits are described by the grader's side of the kernel (kernel.ts).
  if (exec.status !== "error") return e ? `${exec.status} (${e.ename}: ${firstLine(e.evalue)})` : exec.status;
  const types = typeErrors(o);
  if (types) return types;
  if (!e) return "error";
  if (trusted) return `${e.ename}: ${firstLine(e.evalue)}`;
  return PLAIN_ERROR_NAMES.has(e.ename) ? `${e.ename} (details withheld: hidden tests had run)` : "an error (details withheld: hidden tests had run)";
}

/** Feedback lines for one test run. `trusted`: the run happened before any hidden code reached the student's kernel. */
export function runFeedback(o: StepOutcome, verdict: RunVerdict | undefined, trusted: boolean): string[] {
  const hidden = o.step.test?.hidden;
  if (o.skipped) return [hidden ? "Hidden tests: not run." : `Not run: ${o.skipped}`];
  const exec = o.exec as CellExecution;
  if (hidden) {
    if (!verdict || verdict.fraction === 0) {
      const lines = [exec.status === "timeout" ? "Hidden tests: failed (time limit)." : "Hidden tests: failed."];
      const hints = [...new Set((verdict?.failures ?? []).map((f) => f.hint).filter((h): h is string => !!h))];
      for (const h of hints) lines.push(`Hint: ${h}`);
      return lines;
    }
    const passedParts = verdict.parts.filter((p) => p.ok).length;
    return [verdict.parts.length > 0 && passedParts < verdict.parts.length ? `Hidden tests: ${passedParts} of ${verdict.parts.length} parts passed.` : "Hidden tests: passed."];
  }
  const lines: string[] = [];
  if (trusted) {
    for (const out of exec.outputs) {
      if (out.output_type === "stream") lines.push(out.text.replace(/\n$/, ""));
      else if (out.output_type === "error") lines.push(errorLine(o, true));
      else if ("data" in out && typeof out.data?.["text/plain"] === "string") lines.push(out.data["text/plain"] as string);
    }
  } else if (exec.status !== "ok") {
    lines.push(errorLine(o, false));
  }
  for (const p of verdict?.parts ?? []) lines.push(`${p.ok ? "✓" : "✗"} ${p.name}`);
  for (const f of verdict?.failures ?? []) {
    const where = f.line > 0 ? `check at line ${f.line}` : "test";
    lines.push(`${where}: ${trusted ? f.message : f.safeMessage}`);
  }
  return lines.filter((l) => l !== "");
}
