// The shared TypeScript converter (tools/grader/compiler.ts): one submission's cell can
// neither break it for the next submissions nor hold it while their time runs out.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompilerPool } from "../../tools/grader/compiler";

/** Exponential type-level work: several seconds in the converter. */
const SLOW = `type Dup<T> = [T, T]; type Rep<T, N extends unknown[]> = N["length"] extends 18 ? T : Rep<Dup<T>, [...N, 0]>;
type Big = Rep<1, []>; type Flat<T> = T extends [infer A, infer B] ? [...Flat<A>, ...Flat<B>] : [T];
const v: Flat<Big> = null as any; v;`;
const NESTED = "const y = " + "[".repeat(3000) + "1" + "]".repeat(3000) + ";";
const NORMAL = "const x: number = 1 + 2;\nx";

let dir: string;
let pool: CompilerPool;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-compiler-"));
  fs.symlinkSync(path.resolve(__dirname, "..", "..", "node_modules"), path.join(dir, "node_modules"), "dir");
  pool = await CompilerPool.start({ cwd: dir, workers: 2 });
}, 120_000);
afterAll(async () => {
  await pool?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("CompilerPool", () => {
  it("a cell that crashes the converter fails alone; the next cell gets a fresh converter", async () => {
    const bad = await pool.convert("", NESTED);
    expect(bad.diagnostics[0].messageText).toMatch(/the TypeScript converter failed on this cell: Maximum call stack size exceeded/);
    for (let i = 0; i < 3; i++) {
      const good = await pool.convert("", `${NORMAL} + ${i}`);
      expect(good.diagnostics).toEqual([]);
      expect(good.output).toContain("1 + 2");
    }
  }, 120_000);

  it("a crash is not cached: the same cell is converted again (and fails again) rather than served from the cache", async () => {
    const misses = pool.misses;
    await pool.convert("", NESTED);
    expect(pool.misses).toBe(misses + 1);
  }, 120_000);

  it("a cell that is slow to convert is stopped at its time limit while another submission's cell is converted meanwhile", async () => {
    const slow = pool.convert("", SLOW, 50);
    const other = pool.convert("", `${NORMAL} + 100`, 60_000);
    const [s, o] = await Promise.all([slow, other]);
    expect(s.diagnostics[0].messageText).toMatch(/converting this cell to JavaScript took longer than [\d.]+ s/);
    expect(o.diagnostics).toEqual([]);
    // The converter that was stopped is replaced: later cells still convert.
    expect((await pool.convert("", `${NORMAL} + 200`)).diagnostics).toEqual([]);
  }, 120_000);
});
