// `nnlab merge`: one grades.csv from the results of several shards.
//
// Each `nnlab grade --shard i/n --out DIR` writes DIR/<student>/results.json
// for its share and a manifest DIR/shard-i-of-n.json naming its students.
// Merge reads any number of such folders (a shared one, or one per node),
// checks that every shard 1..n is there and every listed student has a
// result, copies student folders into the output folder when they live
// elsewhere, and writes grades.csv.
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../notebook";
import { gradesCsv, readResults, RESULTS_FILE } from "./report";
import type { SubmissionResult } from "./types";

export interface MergeReport {
  outDir: string;
  csvFile: string;
  students: number;
  /** Shards or students that are missing (the merge is incomplete when not empty). */
  missing: string[];
  results: SubmissionResult[];
}

interface Manifest {
  shard: { index: number; count: number };
  assignment_sha256: string;
  tests: string[];
  students: string[];
}

export function mergeResults(dirs: string[], outDir: string): MergeReport {
  const results = new Map<string, { r: SubmissionResult; dir: string }>();
  const manifests: Manifest[] = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir}: no such folder`);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile() && /^shard-\d+-of-\d+\.json$/.test(entry.name)) {
        manifests.push(JSON.parse(fs.readFileSync(path.join(dir, entry.name), "utf8")) as Manifest);
      } else if (entry.isDirectory()) {
        const r = readResults(path.join(dir, entry.name, RESULTS_FILE));
        if (r) results.set(r.student, { r, dir: path.join(dir, entry.name) });
      }
    }
  }

  const missing: string[] = [];
  const shas = new Set(manifests.map((m) => m.assignment_sha256));
  if (shas.size > 1) throw new Error("the shards were graded against different versions of the assignment; grade them again with the same file");
  const count = manifests[0]?.shard.count;
  if (manifests.some((m) => m.shard.count !== count)) throw new Error("the shards disagree on the number of shards (n in i/n)");
  if (count !== undefined) {
    const have = new Set(manifests.map((m) => m.shard.index));
    for (let i = 1; i <= count; i++) if (!have.has(i)) missing.push(`shard ${i}/${count} (no shard-${i}-of-${count}.json)`);
  }
  for (const m of manifests) for (const s of m.students) if (!results.has(s)) missing.push(`student ${s} (shard ${m.shard.index}/${m.shard.count}) has no results.json`);

  fs.mkdirSync(outDir, { recursive: true });
  for (const { r, dir } of results.values()) {
    const target = path.join(outDir, r.student);
    if (path.resolve(dir) !== path.resolve(target)) fs.cpSync(dir, target, { recursive: true });
  }
  const tests = manifests[0]?.tests ?? [...new Set([...results.values()].flatMap(({ r }) => r.tests.map((t) => t.gradeId)))];
  const all = [...results.values()].map(({ r }) => r);
  const csvFile = path.join(outDir, "grades.csv");
  writeFileAtomic(csvFile, gradesCsv(all, tests));
  return { outDir, csvFile, students: all.length, missing, results: all };
}
