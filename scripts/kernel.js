#!/usr/bin/env node
// The course's Jupyter kernel: tslab, patched by patches/tslab+*.patch (applied
// by `npm install`), started for this checkout whatever folder the notebook is in.
//
//   node scripts/kernel.js <connection_file>     (the kernel spec's argv; see python-env.js)
//
// - NODE_PATH gets this checkout's node_modules, so `import { check } from "nnlab"`
//   runs and type-checks in a notebook anywhere (a student's home, an nbgrader
//   course folder); packages next to the notebook still come first, as in Node.
// - The kernel is this checkout's tslab, never a copy found above the
//   notebook's folder (tslab's own launcher would prefer that one).
"use strict";

const fs = require("fs");
const path = require("path");
const Module = require("module");

const ROOT = path.resolve(__dirname, "..");
const TSLAB = path.join(ROOT, "node_modules", "tslab");

function fail(message) {
  process.stderr.write(`nnlab kernel: ${message}\n`);
  process.exit(1);
}

const connectionFile = process.argv[2];
if (!connectionFile || connectionFile.startsWith("-")) fail("usage: node scripts/kernel.js <connection_file>");

const nodeModules = path.join(ROOT, "node_modules");
const nodePath = (process.env.NODE_PATH || "").split(path.delimiter).filter(Boolean);
if (!nodePath.includes(nodeModules)) process.env.NODE_PATH = [...nodePath, nodeModules].join(path.delimiter);
Module._initPaths(); // re-read NODE_PATH (Node reads it once, at start-up)

if (!fs.existsSync(path.join(TSLAB, "dist", "main.js"))) fail(`tslab is not installed in ${TSLAB}; run \`npm install\` in ${ROOT}`);
// Without the patch a failing cell would crash nbgrader and show nothing in JupyterLab.
if (!fs.existsSync(path.join(TSLAB, "dist", "errors.js"))) fail(`tslab is not patched; run \`npm install\` in ${ROOT}`);

require(path.join(TSLAB, "dist", "main.js")).startKernel({
  configPath: connectionFile,
  enableFindLocal: false,
  jsKernel: false,
  globalVersion: require(path.join(TSLAB, "package.json")).version,
});
