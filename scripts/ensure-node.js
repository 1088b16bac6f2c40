#!/usr/bin/env node
// `node scripts/ensure-node.js <major>`: a pinned Node.js of that major line in
// the project's own .nodes/ folder, installed from the npm registry's
// per-platform package (node-<platform>-<arch>, the official binaries), and
// prints its bin folder. CI uses it to run the tests on the Node versions the
// course supports without changing anything global; nothing else needs it.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..");
const NODES = path.join(ROOT, ".nodes");

/** The versions CI tests, one per supported major line (bump them here). */
const PINNED = { 24: "24.22.3", 22: "22.23.5" };

function fail(message) {
  console.error(`ensure-node: ${message}`);
  process.exit(1);
}

/** Runs the machine's npm with the Node running this script (npm's own launcher may pick another). */
function npm(args, cwd) {
  const cli = process.env.npm_execpath && /npm-cli\.c?js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : null;
  const run = cli
    ? spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8" })
    : spawnSync("npm", args, { cwd, encoding: "utf8" });
  if (run.status !== 0) fail(`npm ${args.join(" ")} failed:\n${(run.stderr || String(run.error)).trim()}`);
  return run.stdout.trim();
}

function ensureNode(major) {
  const version = PINNED[major];
  if (!version) fail(`no pinned version for Node ${major}; known: ${Object.keys(PINNED).join(", ")}`);
  const dir = path.join(NODES, version);
  const bin = path.join(dir, "bin");
  const node = path.join(bin, process.platform === "win32" ? "node.exe" : "node");
  if (fs.existsSync(node)) return bin;

  const pkg = `node-${process.platform}-${process.arch}@${version}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-node-"));
  try {
    console.error(`ensure-node: installing ${pkg} into ${path.relative(ROOT, dir)} (about 30 MB)`);
    const tarball = npm(["pack", pkg, "--silent", "--pack-destination", tmp], tmp).split("\n").pop();
    const untar = spawnSync("tar", ["-xzf", path.join(tmp, tarball), "-C", tmp], { encoding: "utf8" });
    if (untar.status !== 0) fail(`cannot unpack ${tarball}: ${untar.stderr || untar.error}`);
    fs.mkdirSync(NODES, { recursive: true });
    // Moved into place whole, so a half-unpacked copy is never taken for a working one.
    fs.renameSync(path.join(tmp, "package"), dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const check = spawnSync(node, ["--version"], { encoding: "utf8" });
  if (check.stdout.trim() !== `v${version}`) fail(`${node} does not run (${check.stderr || check.error})`);
  return bin;
}

const major = process.argv[2];
if (!major || major === "--help" || major === "-h") {
  console.log(`usage: node scripts/ensure-node.js <major>   (one of ${Object.keys(PINNED).join(", ")})
Installs the pinned Node.js of that line into .nodes/ from the npm registry and prints its bin folder,
e.g.  PATH="$(node scripts/ensure-node.js 24):$PATH" npm test`);
  process.exit(major ? 0 : 1);
}
console.log(ensureNode(major));
