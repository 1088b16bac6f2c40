import { defineConfig } from "vitest/config";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));

// Tests import the library as users do (`from "nnlab"`), resolved to the
// TypeScript sources so a test never runs against a stale build.
export default defineConfig({
  resolve: { alias: { nnlab: path.resolve(root, "lib/index.ts") } },
  test: {
    // *.slow.test.ts (every seed of the capstone, real nbgrader on three exercises, the student
    // edition installed from its own folder) take several minutes each on two cores:
    // `npm run test:slow` runs them; `npm test` (and CI) the rest.
    include: process.env.NNLAB_SLOW_TESTS === "1" ? ["test/**/*.slow.test.ts"] : ["test/**/*.test.ts"],
    exclude: process.env.NNLAB_SLOW_TESTS === "1" ? [] : ["test/**/*.slow.test.ts", "**/node_modules/**"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: "test/artifacts/vitest.json" }]],
  },
});
