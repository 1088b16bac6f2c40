#!/usr/bin/env node
// Prints vitest's JSON report as one plain line: "[label: ]tests: N passed, N failed, N skipped".
const fs = require("fs");
const path = require("path");
const file = path.resolve(__dirname, "..", "test", "artifacts", "vitest.json");
if (!fs.existsSync(file)) {
  console.log("tests: no report found at " + file);
  process.exit(0);
}
const r = JSON.parse(fs.readFileSync(file, "utf8"));
const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
const label = process.argv[2] ? `${process.argv[2]}: ` : "";
console.log(`${label}tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
