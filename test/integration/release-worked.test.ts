// nnlab release worked (executed worked solutions without hidden tests) and
// nnlab grade with forbidden library functions (flag, zero), through the
// real CLI and the real kernel.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readNotebookFile, serializeNotebook, type Notebook } from "../../tools/notebook";
import { cellRole, gradeId, testCells } from "../../tools/assignment/metadata";
import { testDependencies } from "../../tools/assignment/dependencies";
import { splitRegions } from "../../tools/assignment/regions";
import { assignmentSecrets, normalise, readableText } from "../../tools/release/leaks";
import { ROOT } from "../helpers/jupyter";

const BIN = path.join(ROOT, "bin", "nnlab.js");
// Under the course folder, so notebooks run here resolve "nnlab" as solutions/ does (git-ignored).
const WORK = path.join(ROOT, "test", "artifacts", `release-worked-${process.pid}`);
const nnlab = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 900_000 });
const solution = (prefix: string) => path.join(ROOT, "solutions", fs.readdirSync(path.join(ROOT, "solutions")).find((f) => f.startsWith(`${prefix}-`))!);

afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

describe("nnlab release worked", () => {
  it("writes E03 and E05 executed, with the answers and visible tests, without hidden tests", () => {
    const out = path.join(WORK, "worked");
    const r = nnlab("release", "worked", "E03", "E05", "--out", out);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    for (const id of ["E03", "E05"]) {
      const source = solution(id);
      const file = path.join(out, path.basename(source));
      const written = fs.readFileSync(file, "utf8");
      const nb = readNotebookFile(file);
      const original = readNotebookFile(source);
      // Every code cell ran and none failed: the visible tests passed on the model answers.
      const code = nb.cells.filter((c) => c.cell_type === "code" && c.source.trim() !== "");
      expect(code.length).toBeGreaterThan(5);
      for (const c of code) {
        if (c.cell_type !== "code") continue;
        expect(c.execution_count, c.source.slice(0, 80)).not.toBeNull();
        expect(c.outputs.filter((o) => o.output_type === "error"), c.source.slice(0, 80)).toEqual([]);
      }
      // The visible tests are there, and the answers (solution regions) are.
      const text = normalise(readableText(file, written));
      for (const cell of original.cells) {
        for (const seg of splitRegions(cell.source)) {
          if (seg.kind === "code" && cellRole(cell) === "test" && seg.text.trim() !== "") expect(text).toContain(normalise(seg.text));
          if (seg.kind === "solution") expect(text).toContain(normalise(seg.text));
        }
      }
      // Hidden tests are not, in any form.
      expect(written).not.toMatch(/BEGIN HIDDEN TESTS|BEGIN SOLUTION/);
      const hidden = assignmentSecrets(original, path.basename(source)).filter((s) => s.kind === "hidden");
      expect(hidden.length).toBeGreaterThan(0);
      for (const s of hidden) expect(text.includes(s.text), s.what).toBe(false);
      expect(JSON.stringify(nb.cells.map((c) => c.metadata))).not.toContain("nbgrader");
    }
  }, 900_000);

  it("writes nothing for a worked solution whose visible test fails, and names unknown exercises", () => {
    const nb = readNotebookFile(solution("E03"));
    const step = nb.cells.find((c) => gradeId(c) === "step")!;
    step.source = "function step(v: number[], g: number[], lr: number): number[] {\n  return v;\n}";
    const dir = path.join(WORK, "broken", "solutions");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "E03-broken.ipynb"), serializeNotebook(nb));
    const out = path.join(WORK, "broken-out");
    const r = nnlab("release", "worked", path.join(dir, "E03-broken.ipynb"), "--out", out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/E03-broken\.ipynb: cell \d+ failed: CheckError.*must pass its visible tests/);
    expect(fs.existsSync(path.join(out, "E03-broken.ipynb"))).toBe(false);
    const unknown = nnlab("release", "worked", "E99", "--out", out);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^nnlab: release: no exercise "E99" .*there are: E01-/);
  }, 300_000);
});

describe("nnlab grade with a forbidden library function", () => {
  it("flags an answer that calls gradientStep through a namespace import; --forbidden zero takes that answer's points", () => {
    const dir = path.join(WORK, "forbidden");
    fs.mkdirSync(path.join(dir, "submitted"), { recursive: true });
    // E03 as an instructor who forbids the library's gradient steps writes it.
    const assignment = readNotebookFile(solution("E03"));
    assignment.metadata.nnlab = { forbidden: ["gradientStep", "fullBatchStep", "minibatchSteps", "stochasticSteps"] };
    const assignmentFile = path.join(dir, "E03.ipynb");
    fs.writeFileSync(assignmentFile, serializeNotebook(assignment));
    // A student who answers everything right but lets the library take the step.
    const sub: Notebook = readNotebookFile(assignmentFile);
    sub.cells.find((c) => gradeId(c) === "step")!.source = [
      'import * as nn from "nnlab";',
      "function step(v: number[], g: number[], lr: number): number[] {",
      '  if (v.length !== g.length) throw new RangeError("lengths differ");',
      "  return nn.gradientStep(v, g, lr);",
      "}",
    ].join("\n");
    fs.writeFileSync(path.join(dir, "submitted", "ada.ipynb"), serializeNotebook(sub));

    const deps = testDependencies(assignment);
    const stepTests = testCells(assignment).filter((t) => deps.get(t.gradeId)?.includes("step"));
    const max = testCells(assignment).reduce((s, t) => s + t.points, 0);
    expect(stepTests.map((t) => t.gradeId)).toContain("test_step");

    const results = (out: string) => JSON.parse(fs.readFileSync(path.join(out, "ada", "results.json"), "utf8")) as { score: number; tests: { name: string; score: number; output: string }[] };
    const flagOut = path.join(dir, "flag");
    const flag = nnlab("grade", "--assignment", assignmentFile, path.join(dir, "submitted"), "--out", flagOut, "--no-progress", "-j", "1");
    expect(flag.status, flag.stderr).toBe(0);
    const flagged = results(flagOut);
    expect(flagged.score).toBe(max); // flag only: the points stay
    const feedback = fs.readFileSync(path.join(flagOut, "ada", "feedback.md"), "utf8");
    expect(feedback).toContain("Flagged: answer cell \"step\" uses nnlab's gradientStep (line 4), which this exercise forbids.");
    expect(fs.readFileSync(path.join(flagOut, "grades.csv"), "utf8")).toContain("flagged only");

    const zeroOut = path.join(dir, "zero");
    const zero = nnlab("grade", "--assignment", assignmentFile, path.join(dir, "submitted"), "--out", zeroOut, "--no-progress", "-j", "1", "--forbidden", "zero");
    expect(zero.status, zero.stderr).toBe(0);
    const zeroed = results(zeroOut);
    expect(zeroed.score).toBe(max - stepTests.reduce((s, t) => s + t.points, 0));
    for (const t of zeroed.tests) {
      const isStep = stepTests.some((s) => s.gradeId === t.name);
      if (isStep) expect(t.output, t.name).toContain("0 points: answer cell \"step\" uses nnlab's gradientStep");
      expect(t.score === 0, t.name).toBe(isStep);
    }
    const bad = nnlab("grade", "--assignment", assignmentFile, path.join(dir, "submitted"), "--out", zeroOut, "--forbidden", "harsh");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Allowed choices are flag, zero");
  }, 600_000);
});
