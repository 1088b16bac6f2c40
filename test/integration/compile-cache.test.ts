// The converter pool's cache of conversions (tools/grader/compiler.ts): a pair
// (declarations so far, cell) seen before is served from memory, and past
// `cacheSize` entries the least recently used one goes first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompilerPool } from "../../tools/grader/compiler";
import { SandboxRoot } from "../../tools/grader/sandbox";

// Converting where the grader does: in a sandbox root's compile folder.
const sandbox = SandboxRoot.create();
let pool: CompilerPool;
beforeAll(async () => void (pool = await CompilerPool.start({ cwd: sandbox.compileDir, cacheSize: 2 })), 120_000);
afterAll(async () => {
  await pool?.close();
  sandbox.dispose();
});

const cell = (k: number) => `const x${k}: number = ${k};\nx${k}`;

/** Converts the cells in order and says, for each, whether it came from the cache. */
async function hits(...cells: number[]): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const k of cells) {
    const before = pool.hits;
    const r = await pool.convert("", cell(k));
    expect(r.diagnostics).toEqual([]);
    out.push(pool.hits === before + 1);
  }
  return out;
}

describe("the conversion cache", () => {
  it("serves a cell seen before, and a different declaration context is a different entry", async () => {
    expect(await hits(1, 1)).toEqual([false, true]);
    const before = pool.misses;
    await pool.convert("declare const seen: number;", cell(1));
    expect(pool.misses).toBe(before + 1);
  }, 120_000);

  it("keeps at most cacheSize entries and drops the least recently used", async () => {
    // Cache of 2: after 3, 4 it holds {3, 4}; using 3 makes 4 the oldest, so 5 pushes 4 out.
    expect(await hits(3, 4, 3, 5)).toEqual([false, false, true, false]);
    expect(await hits(3, 4)).toEqual([true, false]);
  }, 120_000);
});
