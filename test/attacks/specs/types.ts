// The shape of one hostile (or reference) submission, and what a spec may know
// when its notebook is generated: paths of this run and a per-run canary.
import type { Notebook } from "../../../tools/notebook";

/** What the test knows and attack code may embed (all absolute paths). */
export interface Ctx {
  /** Random per run: names every file an attack tries to create, and marks self-reported escapes. */
  canary: string;
  repo: string;
  /** The assignment graded (the instructor's notebook with hidden tests). */
  solution: string;
  subsDir: string;
  outDir: string;
  /** The real home folder and /tmp: attacks aim at them; the grader gets private ones. */
  realHome: string;
  realTmp: string;
  /** A TCP and a UDP port on 127.0.0.1 that the test listens on: any connection or packet is a network escape. */
  tcpPort: number;
  udpPort: number;
}

export type Kind =
  /** Must score at most what the empty submission scores, on every test. */
  | "attack"
  /** Hard-codes the visible tests' answers: may earn visible points, no hidden ones. */
  | "attack-visible"
  /** The solution's answer cells: full marks, whatever was graded before it. */
  | "correct"
  /** The student version as released. */
  | "empty";

export interface Spec {
  /** File name without .ipynb; may contain a folder ("x/victim"). Sort order matters: the batch grades in it. */
  name: string;
  kind: Kind;
  /** Attack class (README table). */
  cls: string;
  /** One line: what it tries. */
  tries: string;
  /** Answer cells to replace, by grade_id. */
  answers?: Record<string, string>;
  /** Code cells (no nbgrader metadata) inserted right after the cell with this grade_id ("^" = first). */
  extra?: { after: string; source: string }[];
  /** Last word on the file: edit the notebook, or return raw bytes / text. */
  mutate?: (nb: Notebook) => Notebook | string | Buffer;
  /** A symbolic link to this path instead of a file. */
  symlinkTo?: string;
}
