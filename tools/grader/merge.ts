// `nnlab merge`: one grades.csv from the results of several shards.
//
// Each `nnlab grade --shard i/n --out DIR` writes DIR/<student>/results.json
// for its share and a manifest DIR/shard-i-of-n.json naming its students.
// Merge reads any number of such folders (a shared one, or one per node),
// checks that every shard 1..n is there and every listed student has a
// result, copies student folders into the output folder when they live
// elsewhere, and writes grades.csv. When anything is missing it writes only
// grades.incomplete.csv, so no script publishes a partial grades.csv.
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../notebook";
import { gradesCsv, readResults, RESULTS_FILE } from "./report";
import type { SubmissionResult } from "./types";
import { Shard, shardTag } from "./batch";

export interface MergeReport {
  outDir: string;
  /** grades.csv when complete; grades.incomplete.csv (and nothing else written) when something is missing. */
  csvFile: string;
  students: number;
  /** Shards or students that are missing (the merge is incomplete when not empty). */
  missing: string[];
  results: SubmissionResult[];
}

interface Manifest {
  shard: Shard;
  assignment_sha256: string;
  tests: string[];
  students: string[];
}

export const INCOMPLETE_CSV = "grades.incomplete.csv";

export function mergeResults(dirs: string[], outDir: string): MergeReport {
  const results = new Map<string, { r: SubmissionResult; dir: string }>();
  const manifests: { m: Manifest; file: string }[] = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir}: no such folder`);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isFile() && /^shard-\d+-of-\d+\.json$/.test(entry.name)) manifests.push({ m: readManifest(file), file });
      else if (entry.isDirectory()) {
        const r = readResults(path.join(file, RESULTS_FILE));
        if (r) results.set(r.student, { r, dir: file });
      }
    }
  }

  const shas = new Set(manifests.map(({ m }) => m.assignment_sha256));
  if (shas.size > 1) throw new Error("the shards were graded against different versions of the assignment; grade them again with the same file");
  const counts = new Set(manifests.map(({ m }) => m.shard.count));
  if (counts.size > 1) {
    const list = [...counts].sort((x, y) => x - y).map((n) => `${n} shard(s): ${manifests.filter(({ m }) => m.shard.count === n).map(({ file }) => path.basename(file)).sort().join(", ")}`);
    throw new Error(`the shard manifests disagree on the number of shards (n in --shard i/n): ${list.join("; ")}. Delete the ones from the wrong run and merge again`);
  }

  const missing: string[] = [];
  const count = manifests[0]?.m.shard.count;
  if (count !== undefined) {
    const have = new Set(manifests.map(({ m }) => m.shard.index));
    for (let i = 1; i <= count; i++) if (!have.has(i)) missing.push(`shard ${i}/${count} (no ${shardTag({ index: i, count })}.json)`);
  }
  for (const { m } of manifests) for (const s of m.students) if (!results.has(s)) missing.push(`student ${s} (shard ${m.shard.index}/${m.shard.count}) has no results.json`);

  // With manifests, the class is what they list (a stray folder from another run is not a student).
  const listed = manifests.length ? new Set(manifests.flatMap(({ m }) => m.students)) : undefined;
  const chosen = [...results.values()].filter(({ r }) => !listed || listed.has(r.student));
  const tests = manifests[0]?.m.tests ?? [...new Set(chosen.flatMap(({ r }) => r.tests.map((t) => t.gradeId)))];
  const all = chosen.map(({ r }) => r);
  fs.mkdirSync(outDir, { recursive: true });
  if (missing.length) {
    // Nothing a script could publish by mistake: only a CSV whose name says what it is.
    const csvFile = path.join(outDir, INCOMPLETE_CSV);
    writeFileAtomic(csvFile, gradesCsv(all, tests));
    return { outDir, csvFile, students: all.length, missing, results: all };
  }
  for (const { r, dir } of chosen) {
    const target = path.join(outDir, r.student);
    if (path.resolve(dir) !== path.resolve(target)) fs.cpSync(dir, target, { recursive: true });
  }
  const csvFile = path.join(outDir, "grades.csv");
  writeFileAtomic(csvFile, gradesCsv(all, tests));
  fs.rmSync(path.join(outDir, INCOMPLETE_CSV), { force: true });
  return { outDir, csvFile, students: all.length, missing, results: all };
}

function readManifest(file: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
  } catch (e) {
    throw new Error(`${file}: not a shard manifest (${(e as Error).message})`);
  }
  if (!m || typeof m.shard?.index !== "number" || typeof m.shard?.count !== "number" || !Array.isArray(m.students)) {
    throw new Error(`${file}: not a shard manifest written by nnlab grade --shard`);
  }
  return m;
}
