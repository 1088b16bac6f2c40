// Shard names, --shard validation and merge's refusal to write a partial
// grades.csv (issue 15), on hand-made shard folders: no grading here.
import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseShard, shardTag } from "../../tools/grader/batch";
import { INCOMPLETE_CSV, mergeResults } from "../../tools/grader/merge";
import { RESULTS_FILE, toGradescope } from "../../tools/grader/report";
import type { SubmissionResult } from "../../tools/grader/types";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-shards-"));
  dirs.push(d);
  return d;
};

const result = (student: string, score: number): SubmissionResult => ({
  student,
  submission: `subs/${student}.ipynb`,
  submissionSha256: "s".repeat(64),
  assignmentSha256: "a".repeat(64),
  status: "graded",
  score,
  maxScore: 2,
  reason: "",
  tests: [{ gradeId: "t1", maxScore: 2, score, status: score === 2 ? "passed" : "failed", output: "", hidden: false }],
  tampering: [],
  notes: [],
  problems: [],
  executionTime: 1,
  gradedAt: "2026-01-01T00:00:00.000Z",
});

/** What `nnlab grade --shard index/count` leaves in `dir` for these students. */
function shard(dir: string, index: number, count: number, students: [string, number][]): void {
  for (const [s, score] of students) {
    fs.mkdirSync(path.join(dir, s), { recursive: true });
    fs.writeFileSync(path.join(dir, s, RESULTS_FILE), JSON.stringify(toGradescope(result(s, score))));
  }
  const manifest = { shard: { index, count }, assignment_sha256: "a".repeat(64), tests: ["t1"], students: students.map(([s]) => s) };
  fs.writeFileSync(path.join(dir, `${shardTag({ index, count })}.json`), JSON.stringify(manifest));
}

describe("shards", () => {
  it("are named with index and count, the index padded to the count's width", () => {
    expect(shardTag({ index: 3, count: 12 })).toBe("shard-03-of-12");
    expect(shardTag({ index: 7, count: 9 })).toBe("shard-7-of-9");
    expect(shardTag({ index: 1, count: 1 })).toBe("shard-1-of-1");
    expect(shardTag({ index: 42, count: 100 })).toBe("shard-042-of-100");
  });

  it("--shard i/n: clear errors for index 0, an index above n, and nonsense", () => {
    expect(parseShard(" 3/10 ")).toEqual({ index: 3, count: 10 });
    expect(() => parseShard("0/3")).toThrow(/numbered from 1 \(a Slurm array for n shards is --array=1-n\)/);
    expect(() => parseShard("2/1")).toThrow(/shard 2 does not exist when there are 1; .*not SLURM_ARRAY_TASK_COUNT, which is 1 when a single task is rerun/);
    expect(() => parseShard("1/0")).toThrow(/must be at least 1/);
    expect(() => parseShard("3")).toThrow(/must look like i\/n/);
  });
});

describe("merge", () => {
  it("with a shard missing writes no grades.csv, only grades.incomplete.csv, and copies nothing", () => {
    const [a, out] = [tmp(), tmp()];
    shard(a, 1, 2, [["alice", 2]]);
    const report = mergeResults([a], out);
    expect(report.missing).toEqual(["shard 2/2 (no shard-2-of-2.json)"]);
    expect(fs.readdirSync(out)).toEqual([INCOMPLETE_CSV]);
    expect(report.csvFile).toBe(path.join(out, INCOMPLETE_CSV));
  });

  it("complete: grades.csv of every listed student, the incomplete table of an earlier try removed", () => {
    const [a, b, out] = [tmp(), tmp(), tmp()];
    shard(a, 1, 2, [["alice", 2]]);
    expect(mergeResults([a], out).missing).toHaveLength(1);
    shard(b, 2, 2, [["bob", 1]]);
    fs.mkdirSync(path.join(b, "stray"));
    fs.writeFileSync(path.join(b, "stray", RESULTS_FILE), JSON.stringify(toGradescope(result("stray", 2))));
    const report = mergeResults([a, b], out);
    expect(report.missing).toEqual([]);
    expect(fs.readdirSync(out).sort()).toEqual(["alice", "bob", "grades.csv"]);
    expect(fs.readFileSync(path.join(out, "grades.csv"), "utf8").split("\n").map((l) => l.split(",").slice(0, 2).join(","))).toEqual(["student,score", "alice,2", "bob,1", ""]);
  });

  it("refuses manifests that disagree on n (a rerun graded as 1/1), naming the files", () => {
    const a = tmp();
    shard(a, 1, 2, [["alice", 2]]);
    shard(a, 2, 2, [["bob", 1]]);
    shard(a, 1, 1, [["alice", 2], ["bob", 1]]);
    expect(() => mergeResults([a], a)).toThrow(/disagree on the number of shards .*: 1 shard\(s\): shard-1-of-1\.json; 2 shard\(s\): shard-1-of-2\.json, shard-2-of-2\.json\. Delete the ones from the wrong run/);
    expect(fs.existsSync(path.join(a, "grades.csv"))).toBe(false);
  });
});
