// The product kernel under the grader's sandbox flags (Node's permission model,
// no --allow-worker), run for real on this Node and on the built library: no
// worker thread may start there, so large products must stay on one thread and
// still give the plain loop's numbers.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { verifiedPermissionFlags } from "../../tools/grader/sandbox";

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist", "lib");

describe("large products in the grader's sandbox", () => {
  it("run on one thread, with the plain loop's numbers, where workers are refused", () => {
    // As the grader's: a private working folder (where the flags' check tries a write), the packages and the build.
    const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-kernels-"))) + path.sep;
    const readable = [work, path.join(fs.realpathSync(path.join(ROOT, "node_modules")), path.sep), path.join(ROOT, "dist", path.sep)];
    const probe = `
      const nn = require(${JSON.stringify(path.join(DIST, "index.js"))});
      const { sharedProducts } = require(${JSON.stringify(path.join(DIST, "kernels", "threads.js"))});
      let worker;
      try { new (require("node:worker_threads").Worker)("0", { eval: true }); worker = "started"; } catch (e) { worker = e.code; }
      const rng = new nn.Rng(5);
      const a = nn.Matrix.fromFunction(100, 784, () => (rng.uniform() < 0.8 ? 0 : rng.normal()));
      const b = nn.Matrix.fromFunction(784, 100, () => rng.normal());
      const fast = [nn.matMul(a, b), nn.matMulTransposeA(nn.transpose(a), b), nn.matMulTransposeB(a, nn.transpose(b))];
      nn.useFastProducts(false);
      const plain = nn.matMul(a, b);
      const same = fast.every((c) => c.data.every((v, k) => v === plain.data[k]));
      console.log(JSON.stringify({ worker, shared: sharedProducts() !== null, fast: nn.fastProductsAvailable(), same }));`;
    let run;
    try {
      run = spawnSync(process.execPath, [...verifiedPermissionFlags(readable, work), "-e", probe], { encoding: "utf8", cwd: work });
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    expect(run.stderr.replace(/.*ExperimentalWarning.*\n|.*--trace-warnings.*\n/g, "").trim()).toBe(""); // Node 20 says the permission model is experimental
    const seen = JSON.parse(run.stdout.trim().split("\n").pop() as string) as Record<string, unknown>;
    expect(seen).toEqual({ worker: "ERR_ACCESS_DENIED", shared: false, fast: true, same: true });
  });
});
