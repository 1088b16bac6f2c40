// The messages between the grading/running parent and the kernel child.
//
// parent → child: a pipe (fd 3), one JSON line per command. (Not Node's IPC
//   channel: whatever a child writes into that, Node parses in the parent.)
// child → parent: a private pipe (fd 4), one JSON line per message. The first
// line is {"t":"hello","k":TOKEN}; every later line carries that token and a
// sequence number. The token is made in the child before any notebook code
// runs and lives only in a closure, so code in a cell that writes to fd 4 (or
// replaces process.send / console) cannot forge a result the parent accepts.

/** File descriptor of the parent→child command pipe. */
export const COMMAND_FD = 3;
/** File descriptor of the child→parent result pipe. */
export const RESULT_FD = 4;

export type ParentToChild =
  | { t: "execute"; id: number; code: string }
  | { t: "interrupt"; id: number };

export interface StreamMsg { t: "stream"; id: number | null; name: "stdout" | "stderr"; text: string }
export interface DisplayMsg {
  t: "display";
  id: number | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  displayId: string | null;
  update: boolean;
}
export interface DoneMsg {
  t: "done";
  id: number;
  ok: boolean;
  count: number;
  interrupted: boolean;
  error: { ename: string; evalue: string; traceback: string[] } | null;
}
export interface CustomMsg { t: "custom"; id: number | null; message: unknown }
export interface ReadyMsg { t: "ready" }
export interface FatalMsg { t: "fatal"; message: string }

export type ChildToParent = StreamMsg | DisplayMsg | DoneMsg | CustomMsg | ReadyMsg | FatalMsg;

/** What the child hands to a preload module's `setupKernelChild(api)`. */
export interface KernelChildApi {
  /** Sends plain JSON data to the parent (Kernel.onMessage / CellExecution.messages). */
  send(message: unknown): void;
}

/** Settings the parent passes to the child (argv[2], JSON). Nothing secret. */
export interface ChildConfig {
  preload?: string;
}
