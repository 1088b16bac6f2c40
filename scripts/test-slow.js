#!/usr/bin/env node
// npm run test:slow — the *.slow.test.ts files (every seed of the capstone, real nbgrader on
// three exercises, the student edition installed from its own folder), which `npm test` leaves out to keep CI within its time budget.
const { spawnSync } = require("child_process");
const path = require("path");
const vitest = path.join(__dirname, "..", "node_modules", "vitest", "vitest.mjs");
const run = spawnSync(process.execPath, [vitest, "run", ...process.argv.slice(2)], { stdio: "inherit", env: { ...process.env, NNLAB_SLOW_TESTS: "1" } });
process.exit(run.status ?? 1);
