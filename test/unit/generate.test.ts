// nnlab generate: the student version of an assignment notebook.
import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readNotebookFile, serializeNotebook, parseNotebook, Notebook, CodeCell } from "../../tools/notebook";
import { AssignmentError, cellRole, computeChecksum, generateStudentVersion, nbgraderMeta } from "../../tools/assignment";
import { defaultExercisePath, generate } from "../../tools/cli/generate";
import { main } from "../../tools/cli";

const ROOT = path.join(__dirname, "..", "fixtures", "assignment");
const SOLUTION = path.join(ROOT, "solutions", "squares.ipynb");
const EXERCISE = path.join(ROOT, "exercises", "squares.ipynb");

const made: string[] = [];
function tmpdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-generate-"));
  made.push(dir);
  return dir;
}
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("generateStudentVersion", () => {
  const solution = readNotebookFile(SOLUTION);
  const student = generateStudentVersion(solution);

  it("replaces solution regions by stubs and keeps the code around them", () => {
    const answer = student.cells.find((c) => nbgraderMeta(c)?.grade_id === "sum_squares")!;
    expect(answer.source).toBe('function sumSquares(xs: number[]): number {\n  // YOUR CODE HERE\n  throw new Error("not implemented");\n}');
    const text = student.cells.map((c) => c.source).join("\n");
    expect(text).not.toMatch(/BEGIN SOLUTION|total \+= x \* x|RangeError\("meanSquares/);
  });

  it("removes hidden tests, markers included, and nothing else", () => {
    const t = student.cells.find((c) => nbgraderMeta(c)?.grade_id === "test_sum_squares_more")!;
    expect(t.source).toBe("check.close(sumSquares([0.5, -1.5]), 2.5, 1e-12);");
    expect(serializeNotebook(student)).not.toContain("HIDDEN-7f3a");
  });

  it("clears outputs and records nbgrader checksums of what the student receives", () => {
    for (const cell of student.cells) {
      if (cell.cell_type === "code") {
        expect((cell as CodeCell).outputs).toEqual([]);
        expect((cell as CodeCell).execution_count).toBeNull();
      }
      const meta = nbgraderMeta(cell);
      if (meta && cellRole(cell) !== "plain") {
        expect(meta.checksum).toBe(computeChecksum(cell));
        expect(meta.schema_version).toBe(3);
      }
    }
  });

  it("leaves the solution notebook untouched", () => {
    expect(serializeNotebook(solution)).toBe(fs.readFileSync(SOLUTION, "utf8"));
  });

  it("refuses an assignment with broken regions, naming every problem", () => {
    const broken: Notebook = JSON.parse(JSON.stringify(solution));
    broken.cells[3].source = broken.cells[3].source.replace("  // END SOLUTION\n", "");
    broken.cells[1].source += "\n// BEGIN SOLUTION\n// END SOLUTION";
    let error: unknown;
    try {
      generateStudentVersion(broken, "x.ipynb");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AssignmentError);
    const problems = (error as AssignmentError).problems.join("\n");
    expect(problems).toMatch(/cell 4, line 2: "\/\/ BEGIN SOLUTION" is never closed/);
    expect(problems).toMatch(/cell 2: has "\/\/ BEGIN SOLUTION" but is not a solution cell/);
  });
});

describe("nnlab generate (files)", () => {
  it("maps solutions/X.ipynb to exercises/X.ipynb", () => {
    expect(defaultExercisePath(path.join("course", "solutions", "a.ipynb"))).toBe(path.join("course", "exercises", "a.ipynb"));
    expect(defaultExercisePath("a.ipynb")).toBeUndefined();
  });

  it("the committed fixture exercise is up to date (what CI checks with --check)", () => {
    expect(generate([SOLUTION], { check: true })).toEqual([{ from: SOLUTION, to: EXERCISE, state: "up to date" }]);
  });

  // What CI checks for the course itself: every solutions/X.ipynb has an up-to-date exercises/X.ipynb.
  const repo = path.join(__dirname, "..", "..");
  const course = fs.existsSync(path.join(repo, "solutions"))
    ? fs.readdirSync(path.join(repo, "solutions")).filter((f) => f.endsWith(".ipynb")).sort()
    : [];
  it.each(course)("the course's exercises/%s is up to date (nnlab generate --check)", (name) => {
    const [outcome] = generate([path.join(repo, "solutions", name)], { check: true });
    expect(outcome.state, `run: node bin/nnlab.js generate solutions/${name}`).toBe("up to date");
  });

  it("is idempotent: the second run writes nothing and the bytes are the same", () => {
    const dir = tmpdir();
    const out = path.join(dir, "ex.ipynb");
    expect(generate([SOLUTION], { out })[0].state).toBe("written");
    const first = fs.readFileSync(out);
    const mtime = fs.statSync(out).mtimeMs;
    expect(generate([SOLUTION], { out })[0].state).toBe("unchanged");
    expect(fs.readFileSync(out).equals(first)).toBe(true);
    expect(fs.statSync(out).mtimeMs).toBe(mtime);
    // Reading and writing the generated notebook changes nothing either.
    expect(serializeNotebook(parseNotebook(first))).toBe(first.toString("utf8"));
  });

  it("--check reports a stale or missing student version", () => {
    const dir = tmpdir();
    const out = path.join(dir, "ex.ipynb");
    expect(generate([SOLUTION], { out, check: true })[0].state).toBe("stale");
    generate([SOLUTION], { out });
    expect(generate([SOLUTION], { out, check: true })[0].state).toBe("up to date");
    fs.writeFileSync(out, fs.readFileSync(out, "utf8").replace("YOUR CODE HERE", "YOUR CODE"));
    expect(generate([SOLUTION], { out, check: true })[0].state).toBe("stale");
  });

  it("the CLI exits 1 on a stale student version and 0 once it is generated", async () => {
    const dir = tmpdir();
    const out = path.join(dir, "ex.ipynb");
    expect(await main(["generate", SOLUTION, "--out", out, "--check"])).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
    expect(await main(["generate", SOLUTION, "--out", out])).toBe(0);
    expect(await main(["generate", SOLUTION, "--out", out, "--check"])).toBe(0);
    expect(await main(["generate", path.join(dir, "nope.ipynb"), "--out", out])).toBe(1);
    expect(await main(["generate", SOLUTION])).toBe(0); // default mapping: the committed exercise, unchanged
  });

  it("writes into a folder given as --out", () => {
    const dir = tmpdir();
    generate([SOLUTION], { out: dir });
    expect(fs.existsSync(path.join(dir, "squares.ipynb"))).toBe(true);
  });
});
