// The nbformat 4 notebook as it lives in memory (after reading, before writing).
// Multi-line text (source, stream text, text/* data) is one string here, as in
// Python's nbformat; the writer splits it into lines the way Jupyter does.
// Fields we do not know are kept as they are (`[key: string]: unknown`).

/** Mime type → content (string for text and base64 images, any JSON for *\/json). */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: string;
  [key: string]: unknown;
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ExecuteResultOutput {
  output_type: "execute_result";
  data: MimeBundle;
  metadata: Record<string, unknown>;
  execution_count: number | null;
  [key: string]: unknown;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
  [key: string]: unknown;
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  metadata: Record<string, unknown>;
  source: string;
  outputs: Output[];
  execution_count: number | null;
  [key: string]: unknown;
}

export interface MarkdownCell {
  cell_type: "markdown";
  id?: string;
  metadata: Record<string, unknown>;
  source: string;
  attachments?: Record<string, MimeBundle>;
  [key: string]: unknown;
}

export interface RawCell {
  cell_type: "raw";
  id?: string;
  metadata: Record<string, unknown>;
  source: string;
  attachments?: Record<string, MimeBundle>;
  [key: string]: unknown;
}

export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
  [key: string]: unknown;
}

/** Why a file could not be read as a notebook; `code` is stable for programs (graders use it). */
export type NotebookErrorCode =
  | "NOT_FOUND"
  | "EMPTY"
  | "NOT_UTF8"
  | "INVALID_JSON"
  | "NBFORMAT_3"
  | "UNSUPPORTED_VERSION"
  | "NOT_A_NOTEBOOK";

export class NotebookError extends Error {
  constructor(
    readonly code: NotebookErrorCode,
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = "NotebookError";
  }
}
