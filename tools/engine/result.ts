// The value of a cell's last expression (Jupyter's execute_result, Out[n]).
//
// The kernel child sends it as a custom message keyed EXECUTE_RESULT (the
// child→parent protocol has no message of its own for it yet); runNotebook
// turns it into the cell's execute_result output, after the cell's other
// outputs, where Jupyter kernels put it too.
import { CellExecution } from "./kernel";
import { Output } from "../notebook/types";

export const EXECUTE_RESULT = "nnlabExecuteResult";

interface ResultMessage {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** The execute_result output of a finished cell, if its last expression had a value. */
export function executeResultOf(cell: CellExecution): Output | undefined {
  if (cell.status !== "ok") return undefined;
  for (const m of cell.messages) {
    const r = (m as Record<string, unknown> | null)?.[EXECUTE_RESULT] as ResultMessage | undefined;
    if (r && typeof r === "object" && r.data && typeof r.data === "object") {
      return { output_type: "execute_result", execution_count: cell.executionCount, data: r.data, metadata: r.metadata ?? {} } as Output;
    }
  }
  return undefined;
}
