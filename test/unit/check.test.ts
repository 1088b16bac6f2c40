// check: the assertion helper of test cells, and the comparison the grader
// uses to judge every check (tools/grader/judge.ts). Its messages are what a
// student reads when a check fails, so they are tested word for word here.
import { describe, expect, it } from "vitest";
import { check, CheckError, createCheck, Matrix, PartialResult } from "nnlab";

describe("check", () => {
  it("equal compares deeply and explains the first difference", () => {
    check.equal([1, [2, 3], { a: NaN }], [1, [2, 3], { a: NaN }]);
    check.equal(new Float64Array([1, 2]), new Float64Array([1, 2]));
    check.equal(new Map([["k", [1]]]), new Map([["k", [1]]]));
    expect(() => check.equal([1, [2, 4]], [1, [2, 3]])).toThrow("[1][1] is 4, expected 3");
    expect(() => check.equal({ a: 1 }, { a: 1, b: 2 })).toThrow('has no property "b"');
    expect(() => check.equal([1, 2], [1, 2, 3])).toThrow("has length 2, expected 3");
    expect(() => check.equal("1", 1, "as a number")).toThrow('as a number: value is "1", expected 1');
  });

  it("close accepts rounding error and rejects real differences, for numbers, arrays and matrices", () => {
    check.close(0.1 + 0.2, 0.3);
    check.close([1, 2.0000001], [1, 2], 1e-6);
    check.close({ rows: 1, cols: 2, data: new Float64Array([1, 2]) }, [[1, 2]]);
    check.close(1e9 + 1, 1e9, 1e-6); // relative for large values
    expect(() => check.close(0.31, 0.3, 1e-3)).toThrow(/value is 0.31, expected 0.3/);
    expect(() => check.close([1, 2], [1, 2, 3])).toThrow(/got 2 numbers/);
    expect(() => check.close("a", 1)).toThrow(/not a number/);
  });

  it("throws checks the error thrown", () => {
    check.throws(() => {
      throw new RangeError("empty list");
    }, RangeError);
    check.throws(() => {
      throw new Error("bad shape 2×3");
    }, /shape/);
    expect(() => check.throws(() => 1)).toThrow(/returned normally/);
    expect(() => check.throws(() => { throw new Error("x"); }, RangeError)).toThrow(/expected a RangeError/);
  });

  it("a failed check is a CheckError", () => {
    let caught: unknown;
    try {
      check.ok(false, "must hold");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckError);
    expect((caught as Error).message).toBe("must hold: expected a true condition, got false");
  });

  it("partial runs every part and reports the fraction that passed", () => {
    const lines: string[] = [];
    const seen: PartialResult[] = [];
    const c = createCheck({ print: (l) => lines.push(l), onPartial: (r) => seen.push(r) });
    const fraction = c.partial({
      one: () => c.equal(1, 1),
      two: () => c.equal(2, 3),
      three: () => c.ok(true),
    });
    expect(fraction).toBeCloseTo(2 / 3, 12);
    expect(lines).toEqual(["✓ one", "✗ two: CheckError: value is 2, expected 3", "✓ three"]);
    expect(seen[0]).toMatchObject({ passed: 2, total: 3 });
    expect(() => c.partial({ later: (() => Promise.resolve()) as () => unknown })).not.toThrow();
    expect(seen[1]).toMatchObject({ passed: 0, total: 1 });
  });

  it("is frozen and does not depend on built-ins replaced later", () => {
    expect(Object.isFrozen(check)).toBe(true);
    const is = Object.is;
    const abs = Math.abs;
    try {
      Object.is = () => true;
      Math.abs = () => 0;
      expect(() => check.equal(1, 2)).toThrow(CheckError);
      expect(() => check.close(1, 2)).toThrow(CheckError);
    } finally {
      Object.is = is;
      Math.abs = abs;
    }
  });
});

describe("check: failure messages say where and what", () => {
  const m = (rows: number, cols: number, data: number[]) => ({ rows, cols, data: new Float64Array(data) });

  it("ok shows the value it got", () => {
    expect(() => check.ok(0, "count")).toThrow("count: expected a true condition, got 0");
    expect(() => check.ok(undefined)).toThrow("expected a true condition, got undefined");
  });

  it("close names a matrix entry by (row, column), not by its flat index", () => {
    expect(() => check.close(m(2, 2, [1, 2, 5, 4]), m(2, 2, [1, 2, 3, 4]), 1e-9)).toThrow(/^entry \(1, 0\) is 5, expected 3 \(difference 2 > tolerance 1e-9\)$/);
    expect(() => check.close(Matrix.fromRows([[1, 2, 3], [4, 5, 6]]), [[1, 2, 3], [4, 5, 7]])).toThrow(/^entry \(1, 2\) is 6, expected 7/);
    // In a list of matrices: which item, then which entry.
    expect(() => check.close([m(1, 1, [0]), m(2, 1, [1, 9])], [m(1, 1, [0]), m(2, 1, [1, 2])], 1e-6, "gradients")).toThrow(/^gradients: \[1\] entry \(1, 0\) is 9, expected 2/);
    // Plain lists keep their index.
    expect(() => check.close([1, 2, 3], [1, 2, 4])).toThrow(/^entry \[2\] is 3, expected 4/);
    expect(() => check.close(0.31, 0.3, 1e-3)).toThrow(/^value is 0.31, expected 0.3/);
  });

  it("close and equal report a matrix of the wrong shape as such, even when the numbers agree", () => {
    // The trap of a 1-D bias gradient turned into a column: the same six numbers, the wrong shape.
    const column = m(6, 1, [1, 2, 3, 4, 5, 6]);
    const row = m(1, 6, [1, 2, 3, 4, 5, 6]);
    expect(() => check.close(column, row, 1e-6, "gradient 2")).toThrow("gradient 2: value is 6×1, expected 1×6");
    expect(() => check.equal(column, row, "gradient 2")).toThrow("gradient 2: value is 6×1, expected 1×6");
    expect(() => check.close(Matrix.column([1, 2]), [[1, 2]])).toThrow("value is 2×1, expected 1×2");
    expect(() => check.close([row, column], [row, row])).toThrow("[1] is 6×1, expected 1×6");
    expect(() => check.close(m(2, 2, [1, 2, 3, 4]), m(1, 3, [1, 2, 3]))).toThrow("value is 2×2, expected 1×3");
    // A flat list against a matrix is still compared number by number.
    check.close(row, [1, 2, 3, 4, 5, 6]);
    check.close(m(2, 1, [1, 2]), [[1], [2]]);
    expect(() => check.close(m(2, 2, [1, 2, 3, 4]), [1, 2, 3])).toThrow("got 4 numbers (2×2), expected 3");
  });

  it("equal names a differing matrix entry by (row, column)", () => {
    expect(() => check.equal(Matrix.fromRows([[1, 2], [3, 4]]), Matrix.fromRows([[1, 2], [3, 5]]))).toThrow("entry (1, 1) is 4, expected 5");
    expect(() => check.equal({ W: m(1, 2, [1, 2]) }, { W: m(1, 2, [1, 3]) })).toThrow("W entry (0, 1) is 2, expected 3");
    check.equal(m(2, 1, [1, NaN]), Matrix.column([1, NaN]));
  });
});
