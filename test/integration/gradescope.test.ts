// `nnlab gradescope`: build the autograder zip, unpack it into a folder that
// stands in for Gradescope's /autograder (NNLAB_AUTOGRADER_ROOT), run its
// setup.sh (Node is present, so it installs the pinned dependencies) and its
// run_autograder against correct, broken, wrong and missing submissions, and
// validate every results.json against Gradescope's documented format.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import { unzipSync } from "fflate";
import { CORRECT, HIDDEN_MARKER, SOLUTION, submission, tmpdir, write } from "../helpers/assignment";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "nnlab.js");

// Gradescope's results.json, from https://gradescope-autograders.readthedocs.io/en/latest/specs/
// ("Output format"): every key optional except that a score must come from
// the top level or from the tests; no other keys.
const FORMATS = ["text", "html", "simple_format", "md", "ansi"];
const VISIBILITY = ["hidden", "after_due_date", "after_published", "visible"];
const RESULTS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  anyOf: [{ required: ["score"] }, { required: ["tests"] }],
  properties: {
    score: { type: "number" },
    execution_time: { type: "number" },
    output: { type: "string" },
    output_format: { enum: FORMATS },
    test_output_format: { enum: FORMATS },
    test_name_format: { enum: FORMATS },
    visibility: { enum: VISIBILITY },
    stdout_visibility: { enum: VISIBILITY },
    extra_data: { type: "object" },
    tests: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        properties: {
          score: { type: "number" },
          max_score: { type: "number" },
          status: { enum: ["passed", "failed"] },
          name: { type: "string" },
          name_format: { enum: FORMATS },
          number: { type: "string" },
          output: { type: "string" },
          output_format: { enum: FORMATS },
          tags: { type: "array", items: { type: "string" } },
          visibility: { enum: VISIBILITY },
          extra_data: { type: "object" },
        },
      },
    },
    leaderboard: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "value"],
        properties: { name: { type: "string" }, value: { type: ["number", "string"] }, order: { enum: ["asc", "desc"] } },
      },
    },
  },
};
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(RESULTS_SCHEMA);

/** Unix modes of the zip's entries, from its central directory (fflate's unzip does not report them). */
function zipModes(zip: Buffer): Map<string, number> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const modes = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const nameLen = zip.readUInt16LE(at + 28);
    const skip = nameLen + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    modes.set(zip.toString("utf8", at + 46, at + 46 + nameLen), zip.readUInt32LE(at + 38) >>> 16);
    at += 46 + skip;
  }
  return modes;
}

let dir: string;
let agRoot: string;
let zipFile: string;

/** Gradescope's steps for one submission: fresh submission/ and results/, then run_autograder. */
function grade(files: Record<string, string | Buffer>): { results: Record<string, unknown>; text: string; status: number | null; stderr: string } {
  for (const d of ["submission", "results"]) {
    fs.rmSync(path.join(agRoot, d), { recursive: true, force: true });
    fs.mkdirSync(path.join(agRoot, d));
  }
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(agRoot, "submission", name), content);
  const r = spawnSync(path.join(agRoot, "run_autograder"), [], { cwd: agRoot, encoding: "utf8", env: { ...process.env, NNLAB_AUTOGRADER_ROOT: agRoot } });
  const text = fs.readFileSync(path.join(agRoot, "results", "results.json"), "utf8");
  return { results: JSON.parse(text) as Record<string, unknown>, text, status: r.status, stderr: r.stderr };
}

function expectValid(results: unknown): void {
  validate(results);
  expect(validate.errors ?? []).toEqual([]);
}

const notebook = (answers: Partial<typeof CORRECT>) => {
  const d = tmpdir();
  const text = fs.readFileSync(write(d, "x", submission(answers)), "utf8");
  fs.rmSync(d, { recursive: true, force: true });
  return text;
};

beforeAll(() => {
  dir = tmpdir("nnlab-gradescope-test-");
  zipFile = path.join(dir, "autograder.zip");
  const built = spawnSync(process.execPath, [BIN, "gradescope", SOLUTION, "-o", zipFile, "--hidden", "hidden", "--cell-timeout", "20"], { encoding: "utf8" });
  expect(built.stderr).toBe("");
  expect(built.status).toBe(0);
  expect(built.stdout).toMatch(/^wrote .*autograder\.zip \([\d.]+ MB, \d+ files\): 3 test cell\(s\), 9 point\(s\)\n$/);

  // Gradescope unpacks the zip into /autograder/source and copies run_autograder to /autograder.
  agRoot = path.join(dir, "autograder");
  const source = path.join(agRoot, "source");
  const zip = fs.readFileSync(zipFile);
  const modes = zipModes(zip);
  for (const [name, data] of Object.entries(unzipSync(zip))) {
    const file = path.join(source, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data, { mode: modes.get(name)! & 0o777 });
  }
  fs.copyFileSync(path.join(source, "run_autograder"), path.join(agRoot, "run_autograder"));
  fs.chmodSync(path.join(agRoot, "run_autograder"), modes.get("run_autograder")! & 0o777);
  const setup = spawnSync(path.join(source, "setup.sh"), [], { cwd: source, encoding: "utf8", env: { ...process.env, NNLAB_AUTOGRADER_ROOT: agRoot } });
  if (setup.status !== 0) throw new Error(`setup.sh failed:\n${setup.stdout}\n${setup.stderr}`);
  expect(setup.stdout).toMatch(/setup\.sh: node v\d+\.\d+\.\d+, nnlab grader ready/);
}, 600_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the Gradescope autograder zip", () => {
  it("has Gradescope's layout: executable setup.sh and run_autograder at the top, the assignment and the grader", () => {
    const modes = zipModes(fs.readFileSync(zipFile));
    expect(modes.get("setup.sh")! & 0o111).toBe(0o111);
    expect(modes.get("run_autograder")! & 0o111).toBe(0o111);
    for (const f of ["squares.ipynb", "nnlab-gradescope.json", "course/package-lock.json", "course/bin/nnlab.js", "course/dist/tools/gradescope/run.js", "course/dist/lib/index.d.ts"]) {
      expect(modes.has(f), f).toBe(true);
    }
    expect(JSON.parse(fs.readFileSync(path.join(agRoot, "source", "nnlab-gradescope.json"), "utf8"))).toEqual({
      assignment: "squares.ipynb",
      hiddenVisibility: "hidden",
      limits: { cellTimeoutMs: 20_000 },
    });
  });

  it("a correct submission: full marks, hidden tests with the configured visibility, never their source", () => {
    const { results, text, status } = grade({ "squares.ipynb": notebook(CORRECT) });
    expect(status).toBe(0);
    expectValid(results);
    expect(results.score).toBe(9);
    const tests = results.tests as { name: string; score: number; max_score: number; status: string; visibility: string }[];
    expect(tests.map((t) => [t.name, t.score, t.max_score, t.status, t.visibility])).toEqual([
      ["test_sum_squares", 2, 2, "passed", "visible"],
      ["test_sum_squares_more", 3, 3, "passed", "hidden"],
      ["test_mean_squares", 4, 4, "passed", "visible"],
    ]);
    expect(text).not.toContain(HIDDEN_MARKER);
    expect(fs.readdirSync(path.join(agRoot, "results"))).toEqual(["results.json"]);
  }, 300_000);

  it("a wrong answer loses exactly its tests; a broken notebook gets 0 with the reason; both valid results.json", () => {
    const wrong = grade({ "squares.ipynb": notebook({ ...CORRECT, mean_squares: "function meanSquares(xs: number[]): number {\n  return 0;\n}" }) });
    expect(wrong.status).toBe(0);
    expectValid(wrong.results);
    expect(wrong.results.score).toBe(5);
    expect(wrong.text).not.toContain(HIDDEN_MARKER);

    const broken = grade({ "squares.ipynb": '{"cells": [' });
    expect(broken.status).toBe(0);
    expectValid(broken.results);
    expect(broken.results.score).toBe(0);
    expect(broken.results.output).toMatch(/could not be graded: .*not valid JSON/);
  }, 300_000);

  it("no notebook, or several: still a valid results.json that says what happened", () => {
    const none = grade({ "answers.txt": "I did it on paper" });
    expect(none.status).toBe(0);
    expectValid(none.results);
    expect(none.results).toMatchObject({ score: 0, output: "No notebook (.ipynb) was found in your submission. Upload your squares.ipynb.", tests: [] });

    const several = grade({ "a-draft.ipynb": '{"cells": [', "squares.ipynb": notebook(CORRECT) });
    expectValid(several.results);
    expect(several.results.score).toBe(9);
    expect(several.results.output).toMatch(/Several notebooks were submitted; graded squares\.ipynb\./);
  }, 300_000);
});
