#!/usr/bin/env node
// Makes `import … from "nnlab"` resolve to this checkout's build, everywhere.
// tslab compiles notebook cells with its own TypeScript (moduleResolution
// node10), which ignores package self-references, and it refuses relative
// imports that leave the notebook's folder. A two-file shim package in
// node_modules is the one thing Node, tslab and tsc all resolve the same way.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const shim = path.join(root, "node_modules", "nnlab");
fs.rmSync(shim, { recursive: true, force: true });
fs.mkdirSync(shim, { recursive: true });
fs.writeFileSync(
  path.join(shim, "package.json"),
  JSON.stringify({ name: "nnlab", private: true, main: "index.js", types: "index.d.ts" }, null, 2) + "\n",
);
fs.writeFileSync(path.join(shim, "index.js"), 'module.exports = require("../../dist/lib/index.js");\n');
fs.writeFileSync(path.join(shim, "index.d.ts"), 'export * from "../../dist/lib/index";\n');
