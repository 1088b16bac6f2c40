// What run_autograder runs on Gradescope: grade the one submitted notebook
// with nnlab's grader and write results.json. Every path ends with a
// results.json (no notebook, several notebooks, a grader failure), because
// without one Gradescope shows the student only "autograder failed".
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../notebook";
import { gradeBatch } from "../grader/batch";
import { GradescopeResults, toGradescope } from "../grader/report";
import { collectSubmissions } from "../cli/grade";
import { AutograderConfig, CONFIG_FILE } from "./build";

export interface Layout {
  source: string;
  submission: string;
  results: string;
}

/** Gradescope's folders under the root (/autograder, or NNLAB_AUTOGRADER_ROOT in tests). */
export function layout(root = process.env.NNLAB_AUTOGRADER_ROOT || "/autograder"): Layout {
  return { source: path.join(root, "source"), submission: path.join(root, "submission"), results: path.join(root, "results") };
}

type Minimal = Pick<GradescopeResults, "score" | "output"> & Partial<GradescopeResults>;

export async function runAutograder(where: Layout = layout()): Promise<GradescopeResults | Minimal> {
  const config = JSON.parse(fs.readFileSync(path.join(where.source, CONFIG_FILE), "utf8")) as AutograderConfig;
  const found = fs.existsSync(where.submission) ? collectSubmissions([where.submission]) : [];
  if (found.length === 0) {
    return { score: 0, output: `No notebook (.ipynb) was found in your submission. Upload your ${config.assignment}.`, tests: [] };
  }
  // Several notebooks: the one named like the assignment, else the first (and say so).
  const chosen = found.find((f) => path.basename(f) === config.assignment) ?? found[0];
  const note = found.length > 1 ? `\nSeveral notebooks were submitted; graded ${path.relative(where.submission, chosen)}.` : "";
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-gradescope-"));
  try {
    const summary = await gradeBatch({
      assignment: path.join(where.source, config.assignment),
      submissions: [chosen],
      outDir: work,
      jobs: 1,
      force: true,
      limits: config.limits,
      stopOnSignals: true,
    });
    const results = toGradescope(summary.results[0]);
    const hidden = new Set(results.extra_data.nnlab.hidden);
    for (const t of results.tests) if (hidden.has(t.name)) t.visibility = config.hiddenVisibility;
    results.output += note;
    return results;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export async function main(): Promise<number> {
  const where = layout();
  let results: GradescopeResults | Minimal;
  let code = 0;
  try {
    results = await runAutograder(where);
  } catch (e) {
    results = { score: 0, output: `The autograder could not grade this submission: ${(e as Error)?.message ?? String(e)}. Please tell your instructor.`, tests: [] };
    process.stderr.write(`nnlab gradescope: ${(e as Error)?.stack ?? String(e)}\n`);
    code = 1;
  }
  fs.mkdirSync(where.results, { recursive: true });
  writeFileAtomic(path.join(where.results, "results.json"), JSON.stringify(results, null, 2) + "\n");
  return code;
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
