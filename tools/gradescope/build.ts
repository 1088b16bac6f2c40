// `nnlab gradescope`: the autograder zip Gradescope expects. Gradescope
// unpacks it into /autograder/source, runs setup.sh once when it builds the
// image, then run_autograder for every submission (the student's files in
// /autograder/submission, the grade in /autograder/results/results.json).
//
//   setup.sh, run_autograder     the two entry points (templates in scripts.ts)
//   nnlab-gradescope.json        which notebook, hidden-test visibility, limits
//   <assignment>.ipynb           the instructor's notebook
//   course/                      nnlab's built grader: package.json, package-lock.json
//                                (pinned dependencies), bin/, dist/lib, dist/tools,
//                                scripts/link-self.js, patches/ (tslab's fixes)
//   node-v…-linux-x64.tar.xz     optional: Node for setup.sh, so it needs no nodejs.org
import fs from "node:fs";
import path from "node:path";
import { zipSync, Zippable } from "fflate";
import { readNotebookFile } from "../notebook";
import { checkAssignment } from "../assignment/generate";
import { maxScore, testCells } from "../assignment/metadata";
import { PROJECT_ROOT } from "../project-root";
import type { Limits } from "../grader/sandbox";
import { runAutograderScript, setupScript } from "./scripts";

export type HiddenVisibility = "after_published" | "hidden" | "after_due_date" | "visible";
export const HIDDEN_VISIBILITIES: HiddenVisibility[] = ["after_published", "hidden", "after_due_date", "visible"];
export const CONFIG_FILE = "nnlab-gradescope.json";

export interface AutograderConfig {
  /** File name of the instructor's notebook inside the zip (and the name students are asked to upload). */
  assignment: string;
  /** Gradescope visibility of tests that have hidden parts. */
  hiddenVisibility: HiddenVisibility;
  limits: Partial<Limits>;
}

export interface BuildOptions {
  assignment: string;
  out: string;
  hiddenVisibility?: HiddenVisibility;
  limits?: Partial<Limits>;
  /** A Node release tarball (node-vX.Y.Z-linux-x64.tar.xz) to ship for setup.sh. */
  nodeTarball?: string;
  projectRoot?: string;
}

export interface BuildReport {
  out: string;
  files: number;
  bytes: number;
  tests: number;
  maxScore: number;
}

const EXECUTABLE = { os: 3, attrs: (0o100755 << 16) >>> 0 };
const REGULAR = { os: 3, attrs: (0o100644 << 16) >>> 0 };

export function buildAutograder(opts: BuildOptions): BuildReport {
  const root = opts.projectRoot ?? PROJECT_ROOT;
  const notebook = readNotebookFile(opts.assignment);
  checkAssignment(notebook, opts.assignment);
  for (const p of ["dist/tools/gradescope/run.js", "dist/lib/index.js", "package-lock.json"]) {
    if (!fs.existsSync(path.join(root, p))) throw new Error(`${path.join(root, p)} is missing: run npm install (it builds dist/) in the course first`);
  }
  if (opts.nodeTarball && !/^node-v\d+\.\d+\.\d+-linux-x64\.tar\.xz$/.test(path.basename(opts.nodeTarball))) {
    throw new Error(`--node ${opts.nodeTarball}: expected an official Linux x64 release, node-vX.Y.Z-linux-x64.tar.xz`);
  }
  const name = path.basename(opts.assignment);
  const config: AutograderConfig = { assignment: name, hiddenVisibility: opts.hiddenVisibility ?? "after_published", limits: opts.limits ?? {} };

  const entries: Zippable = {};
  const text = (s: string) => Buffer.from(s, "utf8");
  entries["setup.sh"] = [text(setupScript(process.versions.node)), EXECUTABLE];
  entries["run_autograder"] = [text(runAutograderScript()), EXECUTABLE];
  entries[CONFIG_FILE] = [text(JSON.stringify(config, null, 2) + "\n"), REGULAR];
  entries[name] = [fs.readFileSync(opts.assignment), REGULAR];
  for (const f of ["package.json", "package-lock.json", "bin/nnlab.js", "scripts/link-self.js"]) {
    entries[`course/${f}`] = [fs.readFileSync(path.join(root, f)), f.startsWith("bin/") ? EXECUTABLE : REGULAR];
  }
  // patches/: the course's fixes to tslab, applied by setup.sh (npm ci runs no install scripts there).
  for (const dir of ["dist/lib", "dist/tools", "patches"]) addTree(entries, path.join(root, dir), `course/${dir}`);
  if (opts.nodeTarball) entries[path.basename(opts.nodeTarball)] = [fs.readFileSync(opts.nodeTarball), REGULAR];

  // Fixed timestamps: the same inputs give the same zip.
  const zip = zipSync(entries, { level: 9, mtime: new Date("2020-01-01T00:00:00Z") });
  fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
  fs.writeFileSync(opts.out, zip);
  return { out: opts.out, files: Object.keys(entries).length, bytes: zip.length, tests: testCells(notebook).length, maxScore: maxScore(notebook) };
}

/** Every file under `dir` but source maps (declarations stay: cells are type-checked against "nnlab"). */
function addTree(entries: Zippable, dir: string, prefix: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) addTree(entries, p, `${prefix}/${e.name}`);
    else if (e.isFile() && !e.name.endsWith(".map")) entries[`${prefix}/${e.name}`] = [fs.readFileSync(p), REGULAR];
  }
}
