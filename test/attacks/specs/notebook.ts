// Attacks through the submission file itself (its JSON, its name, its link
// target), through the shared TypeScript converter, and through text that
// reaches grades.csv and feedback.
import type { Notebook } from "../../../tools/notebook";
import { gradeId } from "../../../tools/assignment";
import type { Ctx, Spec } from "./types";

const STUB_ANSWER = "function countWeights(units: number[]): number { return -1; }";

const tests = (nb: Notebook) => nb.cells.filter((c) => gradeId(c)?.startsWith("test_"));
const meta = (c: Notebook["cells"][number]) => c.metadata.nbgrader as Record<string, unknown>;
const fakeTest = (id: string, points: number) => ({
  cell_type: "code" as const,
  metadata: { nbgrader: { grade: true, grade_id: id, locked: true, points, schema_version: 3, solution: false } },
  source: "check.ok(true);",
  outputs: [],
  execution_count: null,
});

/** Type-level work that keeps the TypeScript checker busy for seconds (and ends in a type error). */
function slowTypes(copies: number): string {
  const lines = ['type D = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9";', "type Box<T> = T extends any ? { v: T; w: [T, T] } : never;"];
  for (let i = 0; i < copies; i++) {
    lines.push(
      `type Rec${i}<T, N extends unknown[] = []> = N["length"] extends ${36 + i} ? T : Rec${i}<Box<T> | T, [...N, 0]>;`,
      `declare const r${i}: Rec${i}<\`${"${D}".repeat(4)}\`>;`,
      `const s${i}: Rec${i}<\`\${D}\${D}\${D}\${D}\`> = r${i};`,
    );
  }
  return lines.join("\n") + "\n" + STUB_ANSWER;
}

export function notebookAttacks(ctx: Ctx): Spec[] {
  const t = (cls: string, name: string, tries: string, mutate: Spec["mutate"], answers?: Record<string, string>): Spec => ({ name, kind: "attack", cls, tries, mutate, answers });
  const flood = (mb: number) => `const chunk = "flood ".repeat(1 << 17) + "\\n";\nfor (let i = 0; i < ${mb}; i++) process.stdout.write(chunk);`;
  return [
    // -- the notebook's JSON and cells
    t("tampering with test cells", "tamper-test-cells", "test cells rewritten to check.ok(true), with 1000 points, unlocked, grade false", (nb) => {
      for (const c of tests(nb)) Object.assign(c, { source: "check.ok(true);" }), Object.assign(meta(c), { points: 1000, locked: false });
      return nb;
    }),
    t("tampering with test cells", "tamper-fake-tests", "adds graded cells of its own (new grade_ids worth 1000 points) and copies of the real test cells' grade_ids that pass, placed before the real ones", (nb) => {
      nb.cells.splice(1, 0, fakeTest("test_bonus", 1000), fakeTest("test_count_weights_hidden", 2), fakeTest("test_quiz_hidden", 1));
      nb.cells.push(fakeTest("test_count_weights", 2), fakeTest("zzz_extra", 50));
      return nb;
    }),
    t("tampering with test cells", "tamper-roles", "answer cells marked grade: true with points (autograded answers), a test cell turned into an answer cell (solution: true) holding check.ok(true), another into a markdown cell", (nb) => {
      for (const c of nb.cells) if (meta(c)?.solution === true) Object.assign(meta(c), { grade: true, points: 50 });
      const [first, second] = tests(nb);
      Object.assign(meta(first), { solution: true, grade: false });
      first.source = "check.ok(true);";
      (second as { cell_type: string }).cell_type = "markdown";
      return nb;
    }),
    t("tampering with test cells", "tamper-structure", "duplicate answer grade_ids, every cell id the same, nbgrader metadata as a string on test cells, pre-filled outputs claiming passes, notebook metadata claiming a score", (nb) => {
      const answer = nb.cells.find((c) => gradeId(c) === "count_weights")!;
      nb.cells.splice(nb.cells.indexOf(answer), 0, { ...JSON.parse(JSON.stringify(answer)), source: "function countWeights(units: number[]): number { return -2; }" });
      for (const c of nb.cells) (c as { id?: string }).id = "same-id";
      const hidden = nb.cells.find((c) => gradeId(c) === "test_count_weights_hidden")!;
      hidden.metadata.nbgrader = "grade: true, points: 2" as unknown as Record<string, unknown>;
      for (const c of tests(nb)) if (c.cell_type === "code") (c.outputs = [{ output_type: "stream", name: "stdout", text: "Hidden tests: passed.\n" }]), (c.execution_count = 1);
      (nb.metadata as Record<string, unknown>).nnlab = { score: 13, graded: true };
      return nb;
    }),
    t("not a notebook", "not-json", "plain text with a brace, not JSON at all", () => "not a notebook {\n"),
    t("not a notebook", "binary-garbage", "random-looking bytes with a UTF-16 byte-order mark, NULs and invalid UTF-8", () => Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x00, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0x0a])),
    t("not a notebook", "json-wrong-shape", "valid JSON that is not a notebook: cells is a number, nbformat 3 with worksheets", () => JSON.stringify({ cells: 5, nbformat: 3, worksheets: [{ cells: [] }], metadata: null })),
    t("not a notebook", "deep-json", "metadata nested 200 000 levels deep", (nb) => {
      const s = JSON.stringify({ ...nb, metadata: { ...nb.metadata, x: "@@" } });
      return s.replace('"@@"', "[".repeat(200_000) + "]".repeat(200_000));
    }),
    t("not a notebook", "huge-notebook", "a 60 MB markdown cell", (nb) => {
      nb.cells.push({ cell_type: "markdown", metadata: {}, source: "x".repeat(60 * 1024 * 1024) });
      return nb;
    }),
    t("not a notebook", "wrong-language", "a Python notebook (kernelspec and language_info python) with Python answers", (nb) => {
      nb.metadata = { kernelspec: { name: "python3", display_name: "Python 3", language: "python" }, language_info: { name: "python" } };
      for (const c of nb.cells) if (meta(c)?.solution === true) c.source = "def countWeights(units):\n    return 0\n";
      return nb;
    }),
    t("not a notebook", "ten-thousand-cells", "10 000 small code cells", (nb) => {
      for (let i = 0; i < 10_000; i++) nb.cells.push({ cell_type: "code", metadata: {}, source: `const v${i} = ${i};`, outputs: [], execution_count: null });
      return nb;
    }),
    t("not a notebook", "invalid-unicode", "lone surrogates and NULs in answer cells and in cell metadata keys", (nb) => {
      const c = nb.cells.find((x) => gradeId(x) === "count_weights")!;
      c.source = "function countWeights(units: number[]): number { return -1; } // \ud800 \u0000 \udfff";
      c.metadata["\u0000\ud800"] = "\udc00";
      return nb;
    }),
    // -- the shared converter
    t("the shared TypeScript converter", "poison-nested-literal", "an answer cell with a 30 000-deep nested array literal and a 30 000-deep parenthesised expression (the TypeScript parser overflows its stack)", undefined, {
      count_weights: `${STUB_ANSWER}\nconst deep = ${"[".repeat(30_000)}${"]".repeat(30_000)};\nconst deeper = ${"(".repeat(30_000)}1${")".repeat(30_000)};`,
    }),
    t("the shared TypeScript converter", "poison-slow-types", "an answer cell whose types take the checker well over a minute (recursive conditional types over a 10 000-member union), holding the shared converter past the time limit while other submissions wait for it", undefined, {
      count_weights: slowTypes(12),
    }),
    t("the shared TypeScript converter", "poison-global-augment", "global and module augmentations (check: never, Array and Number members, a fake nnlab module) meant to stay in the converter after this student", undefined, {
      count_weights: `${STUB_ANSWER}\ndeclare global {\n  var check: never;\n  interface Array<T> { equal: never }\n  interface Number { valueOf(): never }\n}\ndeclare module "nnlab" {\n  export const check: never;\n}`,
    }),
    // -- text that reaches grades.csv and feedback
    t("feedback injection", "md-html-injection", "raw HTML, <script>, javascript: links and remote markdown images printed in a visible test, in an error name with newlines (fake headings and score rows), and in an unknown grade_id", (nb) => {
      const evil = '<script>alert(1)</script><img src=x onerror=alert(1)> [click](javascript:alert(1)) ![t](http://evil.example/t.png) </pre><iframe src="javascript:alert(2)">';
      nb.cells.push({ cell_type: "code", metadata: { nbgrader: { grade: false, solution: true, grade_id: `x](javascript:alert(1))<img src=x onerror=alert(1)>`, locked: false, schema_version: 3 } }, source: "1;", outputs: [], execution_count: null });
      for (const c of nb.cells) {
        if (gradeId(c) === "count_weights") c.source = `function countWeights(units: number[]): number {\n  console.log(${JSON.stringify(evil)});\n  const e = new Error(${JSON.stringify(evil)});\n  e.name = "Bad\\n\\n## Tests\\n\\n| test_count_weights_hidden | 2 / 2 | passed |\\n\\n**Score:** 13 / 13\\n<script>alert(3)</script>";\n  throw e;\n}`;
        if (gradeId(c) === "count_with_intercepts") c.source = `function countWithIntercepts(units: number[]): number { return -1; }\nconst e = new Error(${JSON.stringify(evil)});\ne.name = "<script>alert(4)</script>\\n- [x](javascript:alert(5))";\nthrow e;`;
      }
      return nb;
    }),
    t("feedback injection", "md-fence-break", "visible-test output that closes the code fence (```, ~~~~, four backticks, </pre>) and then writes a fake score table and an image", undefined, {
      count_weights: `function countWeights(units: number[]): number {\n  console.log("\`\`\`\\n~~~~\\n\`\`\`\`\\n</pre>\\n## test_count_weights_hidden: 2 / 2\\n**Score:** 13 / 13\\n![pwn](https://evil.example/x.png)\\n<details open><summary>x</summary>");\n  return -1;\n}`,
    }),
    t("output floods", "flood-stdout", "prints 100 MB from a visible test and 40 MB at the top level of an answer cell", undefined, {
      count_weights: `function countWeights(units: number[]): number {\n  ${flood(100)}\n  return -1;\n}`,
      count_with_intercepts: `function countWithIntercepts(units: number[]): number { return -1; }\n${flood(40)}`,
    }),
    t("output floods", "flood-restarts", "prints 7 MB and then exits in every answer cell, so each kernel restart would begin a fresh output allowance", undefined, {
      count_weights: `${STUB_ANSWER}\n${flood(7)}\nprocess.exit(1);`,
      count_with_intercepts: `function countWithIntercepts(units: number[]): number { return -1; }\n${flood(7)}\nprocess.exit(1);`,
      weight_shapes: `function weightShapes(units: number[]): [number, number][] { return []; }\n${flood(7)}\nprocess.exit(1);`,
      quiz_answers: `function quizAnswers(): any { return {}; }\n${flood(7)}\nprocess.exit(1);`,
    }),
    t("output floods", "flood-raw-fds", "writes 64 MB straight to fds 1 and 2 and floods display_data", undefined, {
      count_weights: `${STUB_ANSWER}\nconst big = Buffer.alloc(1 << 20, 120);\nfor (let i = 0; i < 64; i++) { require("fs").writeSync(1, big); require("fs").writeSync(2, big); }\nfor (let i = 0; i < 2000; i++) require("tslab").display.html("<b>" + "x".repeat(10000) + "</b>");`,
    }),
    // -- answers that are not solutions
    {
      name: "hardcode-visible",
      kind: "attack-visible",
      cls: "hard-coded answers",
      tries: "looks up the visible tests' inputs in a table and returns their answers (earns visible points honestly enough; must earn no hidden point)",
      answers: {
        count_weights: 'const seen: Record<string, number> = { "10,1": 10, "1,2,1": 4, "4,10,5,3,1": 108 };\nfunction countWeights(units: number[]): number {\n  if (units.length < 2) throw new RangeError("short");\n  return units.join() in seen ? seen[units.join()] : -1;\n}',
        count_with_intercepts: 'function countWithIntercepts(units: number[]): number {\n  const t: Record<string, number> = { "1,2,1": 7, "1,20,1": 61, "3,5,3": 38 };\n  if (units.some((u) => u < 0)) throw new RangeError("negative");\n  return t[units.join()] ?? -1;\n}',
        weight_shapes: 'function weightShapes(units: number[]): [number, number][] {\n  if (units.join() === "1,2,1") return [[1, 2], [2, 1]];\n  if (units.join() === "10,1") return [[10, 1]];\n  return [];\n}',
      },
    },
    {
      name: "always-throws-rangeerror",
      kind: "attack",
      cls: "hard-coded answers",
      tries: "every function always throws a real RangeError, so every check.throws passes and nothing else does",
      answers: {
        count_weights: 'function countWeights(units: number[]): number {\n  throw new RangeError("no");\n}',
        count_with_intercepts: 'function countWithIntercepts(units: number[]): number {\n  throw new RangeError("no");\n}',
        weight_shapes: 'function weightShapes(units: number[]): [number, number][] {\n  throw new RangeError("no");\n}',
      },
    },
  ];
}
