// The execution engine: tslab's executor in a supervised child process.
export { Kernel, KernelOptions, CellExecution, CellStatus, KernelStartError } from "./kernel";
export { runNotebook, RunOptions, RunResult, notebookLanguage, NotebookLanguageError, TSLAB_LANGUAGE_INFO } from "./run";
export { KernelChildApi } from "./protocol";
export { EXECUTE_RESULT, executeResultOf } from "./result";
