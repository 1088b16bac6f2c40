// values.ts: values cross between processes as data, and the grader decodes them defensively.
import { describe, expect, it } from "vitest";
import { Matrix } from "nnlab";
import { decodeValue, encodeValue, ValueError } from "../../tools/grader/values";

const roundTrip = (v: unknown) => decodeValue(JSON.parse(JSON.stringify(encodeValue(v))));

describe("encodeValue / decodeValue", () => {
  it("round-trips what checks compare", () => {
    expect(roundTrip([1, -2.5, "x", true, null])).toEqual([1, -2.5, "x", true, null]);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(roundTrip(NaN)).toBeNaN();
    expect(roundTrip([Infinity, -Infinity])).toEqual([Infinity, -Infinity]);
    expect(roundTrip(undefined)).toBeUndefined();
    expect(roundTrip(12n)).toBe(12n);
    expect(roundTrip(new Float32Array([1.5, 2]))).toEqual(new Float32Array([1.5, 2]));
    expect(roundTrip(new Map([["a", 1]]))).toEqual(new Map([["a", 1]]));
    expect(roundTrip(new Set([1, 2]))).toEqual(new Set([1, 2]));
    const m = roundTrip(Matrix.fromRows([[1, 2], [3, 4]])) as { rows: number; cols: number; data: Float64Array };
    expect([m.rows, m.cols, [...m.data]]).toEqual([2, 2, [1, 2, 3, 4]]);
    const o = roundTrip({ a: [1, { b: 2 }] }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(o)).toBeNull();
    expect(JSON.stringify(o)).toBe('{"a":[1,{"b":2}]}');
  });

  it("never calls toJSON, valueOf or a prototype getter, and survives throwing getters and cycles", () => {
    const hostile = { toJSON: () => 42, valueOf: () => 7, get boom(): number { throw new Error("no"); } };
    expect(encodeValue(hostile)).toEqual({ $: "err" });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => roundTrip(cyclic)).toThrow(ValueError);
    expect(encodeValue(() => 1)).toEqual({ $: "fn" });
  });

  it("refuses forged encodings", () => {
    const bad: unknown[] = [
      { $: "m", r: 2, c: 2, v: [1, 2, 3] },
      { $: "m", r: -1, c: 0, v: [] },
      { $: "ta", c: "Buffer", v: [1] },
      { $: "bi", v: "1e5" },
      { $: "nope" },
      { $: "o", v: [1] },
      { $: "n", v: "1" },
      { $: "map", v: [[1]] },
      { $: "big" },
    ];
    for (const b of bad) expect(() => decodeValue(b), JSON.stringify(b)).toThrow(ValueError);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => decodeValue(deep)).toThrow(/nested more than/);
    expect(() => decodeValue(new Array(3_000_000).fill(0))).toThrow(/too large/);
  });

  it("keeps __proto__ keys as plain data", () => {
    const o = decodeValue(JSON.parse('{"$":"o","v":{"__proto__":{"$":"o","v":{"polluted":true}}}}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(o)).toEqual(["__proto__"]);
  });
});
