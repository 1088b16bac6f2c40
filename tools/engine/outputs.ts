// How a kernel's results become notebook outputs and messages: stream
// merging, error outputs, and the seconds/bytes shown in limit messages.
import { ErrorOutput, Output } from "../notebook/types";

/** A cell's error as the engine reports it (the fields of a Jupyter error output). */
export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** Jupyter UIs merge consecutive stream outputs of the same name into one; so do we. */
export function appendStream(outputs: Output[], name: "stdout" | "stderr", text: string): void {
  const last = outputs[outputs.length - 1];
  if (last && last.output_type === "stream" && last.name === name) last.text += text;
  else outputs.push({ output_type: "stream", name, text });
}

export function describe(ename: string, evalue: string): CellError {
  return { ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

export function timeoutError(ms: number): CellError {
  return describe("Timeout", `cell exceeded ${formatSeconds(ms)}`);
}

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Number((n / 1024 / 1024).toFixed(1))} MiB` : n >= 1024 ? `${Number((n / 1024).toFixed(1))} KiB` : `${n} bytes`;
}

export function errorOutput(e: CellError): ErrorOutput {
  return { output_type: "error", ename: e.ename, evalue: e.evalue, traceback: e.traceback };
}
