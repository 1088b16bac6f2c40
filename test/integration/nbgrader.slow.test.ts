// Acceptance (issue 9, line 3): the exercises work with the real nbgrader.
// The pinned nbgrader (requirements-nbgrader.txt) is installed into the project
// .venv; scripts/nbgrader_parity.py lays out an nbgrader course folder outside
// the repository with nbgrader_config.py, and for three exercises checks that
// `nbgrader generate_assignment` gives `nnlab generate`'s student version and
// that `nbgrader autograde` gives, test cell by test cell, the points of
// `nnlab grade` (through its CLI and results.json) for correct, partial, wrong,
// throwing-first-cell and type-error submissions. `node scripts/nbgrader-parity.js`
// does the same for all 12 exercises.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, pythonEnvWithNbgrader } from "../helpers/jupyter";

const VARIANTS = ["correct", "partial", "wrong", "throws_first", "type_error"];
const EXERCISES = ["E01", "E02", "E05"]; // the ones with a plausible wrong answer in the script

type Points = Record<string, Record<string, [number | null, number | null]>>;
interface Report {
  course: string;
  exercises: Record<string, { error?: string; generate_differences: string[]; mismatches: string[]; points: Points }>;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-nbgrader-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("nbgrader 0.9.6 grades the exercises like nnlab grade", () => {
  it(
    `generate_assignment and autograde agree with nnlab on ${EXERCISES.join(", ")}`,
    async () => {
      const { python, env } = await pythonEnvWithNbgrader();
      const reportFile = path.join(tmp, "report.json");
      const course = path.join(tmp, "course");
      const args = [path.join(ROOT, "scripts", "nbgrader_parity.py"), "--exercises", EXERCISES.join(","), "--variants", VARIANTS.join(",")];
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(python, [...args, "--keep", course, "--report", reportFile], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("error", reject);
        child.on("close", (c) => resolve({ code: c, output }));
      });
      expect(fs.existsSync(reportFile), output).toBe(true);
      const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as Report;
      expect(path.relative(ROOT, report.course).startsWith(".."), "the course folder is outside the repository").toBe(true);
      expect(Object.keys(report.exercises).map((n) => n.slice(0, 3)), output).toEqual(EXERCISES);

      for (const [name, r] of Object.entries(report.exercises)) {
        expect(r.error, `${name}: ${r.error}`).toBeUndefined();
        expect(r.generate_differences, `${name}: nbgrader's student version differs from nnlab generate's`).toEqual([]);
        expect(r.mismatches, `${name}: points differ`).toEqual([]);
        expect(Object.keys(r.points).sort()).toEqual([...VARIANTS].sort());
        // The comparison has something to compare: full marks for the correct
        // submission, fewer for wrong / partial / type error ones.
        const total = (v: string) => Object.values(r.points[v]).reduce((s, [, ours]) => s + (ours ?? 0), 0);
        const cells = Object.values(r.points.correct);
        expect(cells.length).toBeGreaterThan(0);
        expect(cells.every(([nb, ours]) => nb === ours && (ours ?? 0) > 0), `${name}: correct submission`).toBe(true);
        for (const v of ["partial", "wrong", "type_error"]) expect(total(v), `${name}: ${v}`).toBeLessThan(total("correct"));
        expect(total("throws_first"), `${name}: a stray throwing cell costs nothing`).toBe(total("correct"));
      }
      expect(code, output).toBe(0);
    },
    3_600_000,
  );
});
