// Committed lecture notebooks stay small: at most 1 MB each. Figures travel
// as plotly JSON plus one image (added by `nnlab run`), never with a copy of
// plotly.js — which alone is 4.5 MB. The test prints the largest notebook so a
// growing one is seen before it crosses the limit.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const LECTURES = path.join(ROOT, "notebooks");
const LIMIT_BYTES = 1_000_000;

const lectures = fs
  .readdirSync(LECTURES)
  .filter((f) => f.endsWith(".ipynb"))
  .sort()
  .map((f) => ({ name: `notebooks/${f}`, bytes: fs.statSync(path.join(LECTURES, f)).size }));

const kb = (n: number) => `${Math.round(n / 1000)} kB`;

describe("committed lecture notebooks", () => {
  it("are each at most 1 MB", () => {
    expect(lectures.length).toBeGreaterThan(0);
    const largest = lectures.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    console.log(`largest lecture notebook: ${largest.name}, ${kb(largest.bytes)} of ${kb(LIMIT_BYTES)} allowed`);
    const over = lectures.filter((n) => n.bytes > LIMIT_BYTES).map((n) => `${n.name} (${kb(n.bytes)})`);
    expect(over, `lecture notebooks over ${kb(LIMIT_BYTES)}; largest ${largest.name}`).toEqual([]);
  });
});
