// The engine's default limits, in one place: the notebook runner, the grader's
// sandbox and its compiler all start from these.

/** How long one cell may run (or be compiled) before it is stopped. */
export const DEFAULT_CELL_TIMEOUT_MS = 30_000;
