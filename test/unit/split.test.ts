// split.ts: what of a test run reaches the student's process, and what only the trusted kernel sees.
import { describe, expect, it } from "vitest";
import { splitRun } from "../../tools/grader/split";

const student = new Set(["f", "denseLayer", "countWeights", "quizAnswers"]);

describe("splitRun", () => {
  it("keeps only the actual value of each check in the student's version", () => {
    const r = splitRun(`check.equal(f([12, 5]), 110, "the secret message");\ncheck.close(f([1]), 0.25, 1e-9);`, student, true);
    expect(r.student).toContain("nnlabGrader.value(0, f([12, 5]))");
    expect(r.student).toContain("nnlabGrader.value(1, f([1]))");
    for (const leak of ["110", "secret message", "0.25", "1e-9", "check."]) expect(r.student).not.toContain(leak);
    expect(r.trusted).toContain('nnlabTrusted.equal(0, f([12, 5]), 110, "the secret message")');
    expect(r.trusted).toContain("nnlabTrusted.close(1, f([1]), 0.25, 1e-9)");
    expect(r.sites.map((s) => [s.site, s.kind, s.line])).toEqual([
      [0, "equal", 1],
      [1, "close", 2],
    ]);
    expect(r.forgeable).toEqual([]);
  });

  it("removes comments and the code that only computes expected values from hidden runs", () => {
    const code = [
      "// the reference sums every entry by hand",
      "{",
      "  const W = Matrix.fromRows([[1, 2], [3, 4]]);",
      "  const A = denseLayer(W);",
      "  for (let i = 0; i < 2; i++) {",
      "    let expectedSum = 0;",
      "    for (let k = 0; k < 2; k++) expectedSum += W.get(i, k) * 7;",
      "    const reference = expectedSum + 12345;",
      "    check.close(A.get(i, 0), reference, 1e-12, `entry ${i}`);",
      "  }",
      "}",
    ].join("\n");
    const r = splitRun(code, student, true);
    for (const gone of ["expectedSum", "reference", "12345", "sums every entry", "entry ${i}", "for (let k"]) expect(r.student).not.toContain(gone);
    expect(r.student).toContain("nnlabGrader.value(0, A.get(i, 0))");
    expect(r.student).toContain("for (let i = 0; i < 2; i++)");
    expect(r.trusted).toContain("expectedSum += W.get(i, k) * 7");
  });

  it("keeps dead-looking code in visible runs (students see them anyway)", () => {
    const r = splitRun("const expected = 3;\ncheck.equal(f(1), expected);", student, false);
    expect(r.student).toContain("const expected = 3");
  });

  it("evaluates an expected value that involves the student's code in the student's process, and says it is forgeable", () => {
    const r = splitRun(`const answers = quizAnswers();\ncheck.equal(answers.one, countWeights([10, 1]), "consistent");`, student, true);
    expect(r.student).toContain("nnlabGrader.values(0, answers.one, countWeights([10, 1]))");
    expect(r.sites[0].expectedFromStudent).toBe(true);
    expect(r.forgeable[0]).toMatch(/expected value is computed by the student's code/);
  });

  it("check.throws sends only the function; check.ok is forgeable in hidden runs", () => {
    const r = splitRun(`check.throws(() => f([]), RangeError, "an empty list");\ncheck.ok(f([1]) > 3, "big enough");`, student, true);
    expect(r.student).toContain("nnlabGrader.throws(0, () => f([]))");
    expect(r.student).toContain("nnlabGrader.value(1, f([1]) > 3)");
    expect(r.student).not.toMatch(/RangeError|an empty list|big enough/);
    expect(r.forgeable).toHaveLength(1);
    expect(r.forgeable[0]).toMatch(/line 2: check\.ok/);
  });

  it("check.partial crosses as a list of functions, without the part names", () => {
    const r = splitRun(`check.partial({ "secret part name": () => check.equal(f([]), 0), other() { check.equal(f([2]), 4); } });`, student, true);
    expect(r.student).not.toContain("secret part name");
    expect(r.student).toMatch(/nnlabGrader\.partial\(0, \[\(\) => nnlabGrader\.value\(1, f\(\[\]\)\)/);
    expect(r.trusted).toContain('"secret part name": () => nnlabTrusted.equal(1, f([]), 0)');
    expect(r.sites.map((s) => s.kind)).toEqual(["partial", "equal", "equal"]);
  });

  it("reads hints written above a hidden check", () => {
    const r = splitRun(`// hint: rule 0 on a batch of several samples\ncheck.equal(f([1, 2]), 3);\ncheck.equal(f([]), 0);`, student, true);
    expect(r.sites[0].hint).toBe("rule 0 on a batch of several samples");
    expect(r.sites[1].hint).toBeUndefined();
    expect(r.student).not.toContain("rule 0");
  });

  it("flags `check` used other than in a direct call", () => {
    const r = splitRun(`const c = check;\nc.equal(f(1), 2);`, student, false);
    expect(r.forgeable[0]).toMatch(/line 1: `check` is used other than/);
  });

  it("property names are not references to the student's names", () => {
    const r = splitRun("check.close(mm(a), ag.mm(a).value, 1e-9);\ncheck.equal(f(1), { mm: 2 }.mm);", new Set(["mm", "f"]), true);
    expect(r.sites.map((s) => s.expectedFromStudent)).toEqual([false, false]);
    expect(r.forgeable).toEqual([]);
  });
});
