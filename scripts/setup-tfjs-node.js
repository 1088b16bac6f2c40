#!/usr/bin/env node
// npm run setup:tfjs-node — makes TensorFlow.js's native "tensorflow" backend
// (@tensorflow/tfjs-node) work where its own install cannot.
//
// tfjs-node's install script downloads libtensorflow from a Google host; where
// that host is unreachable the script fails and npm drops the package (it is an
// optional dependency, so `npm install` still succeeds and nnlab uses wasm).
// This script builds the same native addon against the TensorFlow C library
// shipped inside PyPI's tensorflow-cpu wheel instead:
//   1. installs the tfjs-node package files without their install script;
//   2. `pip download`s the wheel pinned in requirements-tfjs-node.txt into
//      .cache/tfjs-node/ (project-local, kept, so later runs download nothing);
//   3. unpacks its two shared libraries and the C headers into tfjs-node's deps/,
//      under the names the addon's build links against;
//   4. compiles the addon with node-pre-gyp and node-gyp (both come with npm and
//      tfjs-node: no extra dependency) and checks that it loads and computes.
// Where tfjs-node already works (its own download succeeded, or this script ran
// before) it changes nothing and says so. Linux x64 only; see README.
"use strict";

const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const { findSystemPython } = require("./python-env");

const ROOT = path.resolve(__dirname, "..");
const PACKAGE = path.join(ROOT, "node_modules", "@tensorflow", "tfjs-node");
const CACHE = path.join(ROOT, ".cache", "tfjs-node");
const REQUIREMENTS = path.join(ROOT, "requirements-tfjs-node.txt");
const EXTRACT = path.join(__dirname, "tensorflow_c_from_wheel.py");
// The C libraries inside are the same for every Python version; asking for one
// fixed build makes the download identical everywhere (and the hash pin possible).
const WHEEL_TAGS = ["--python-version", "3.11", "--implementation", "cp", "--platform", "manylinux_2_27_x86_64"];
// tfjs-node's install script skips its download when this file exists (LIBTENSORFLOW_VERSION 2.9.1).
const INSTALL_SCRIPT_LIBRARY = "libtensorflow.so.2.9.1";

const HELP = `Usage: npm run setup:tfjs-node [-- --force]

Builds @tensorflow/tfjs-node's native addon against TensorFlow's C library from
PyPI's tensorflow-cpu wheel (pinned in requirements-tfjs-node.txt), for machines
where tfjs-node's own install could not download libtensorflow. Afterwards
loadBackend() picks the native "tensorflow" backend instead of "wasm".

Needs: Linux x64, Python 3 with pip (the wheel is only downloaded, not installed),
a C++ compiler and make. The wheel is kept in .cache/tfjs-node/, so running
again after \`npm ci\` downloads nothing. Takes about a minute the first time.

Options:
  --force     rebuild even if tfjs-node already works
  -h, --help  show this help

Exit status: 0 tfjs-node works (already, or now), 1 it could not be set up.`;

class SetupError extends Error {}

const log = (msg) => console.log(`[setup:tfjs-node] ${msg}`);

// Run in a child process: a broken addon can crash the process that loads it.
const PROBE = `
require("./dist/lib/tfjs/node-compat.js").restoreRemovedUtilHelpers(); // as the library does before loading it (Node 23+)
const tf = require("@tensorflow/tfjs-node");
const x = tf.tensor2d([[1, 2], [3, 4]]);
const y = tf.matMul(x, x).dataSync();
if (tf.getBackend() !== "tensorflow" || y[0] !== 7 || y[3] !== 22) throw new Error("the tensorflow backend computed a wrong product");
console.log(JSON.stringify({ tensorflow: tf.backend().binding.TF_Version, tfjsNode: tf.version["tfjs-node"] }));`;

/** Does tfjs-node load and compute here? Returns its versions, or why not. */
function probe() {
  // Same quieting defaults as lib/tfjs/backend.ts (TensorFlow's C++ start-up notices).
  const env = { TF_CPP_MIN_LOG_LEVEL: "2", TF_ENABLE_ONEDNN_OPTS: "0", ...process.env };
  const r = spawnSync(process.execPath, ["-e", PROBE], { cwd: ROOT, env, encoding: "utf8" });
  if (r.status === 0) return { ok: true, ...JSON.parse(r.stdout.trim().split("\n").pop()) };
  // Node prints an uncaught error as "file:line, source, caret, Name: message, stack": keep the message.
  const err = (r.stderr || "").split("\n").find((l) => /^[A-Za-z]*Error: /.test(l)) || `exit ${r.status ?? r.signal}`;
  if (/Cannot find module '@tensorflow\/tfjs-node'/.test(err)) return { ok: false, why: "tfjs-node is not installed" };
  return { ok: false, why: err.trim().slice(0, 300) };
}

/**
 * Runs a command and returns its stdout if `capture`. Output goes to `logFile`
 * if given (its end is shown on failure), else to the terminal.
 */
function run(cmd, args, { cwd = ROOT, env = process.env, logFile, capture = false } = {}) {
  const stdio = logFile ? "pipe" : capture ? ["ignore", "pipe", "inherit"] : "inherit";
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", stdio });
  if (logFile) fs.writeFileSync(logFile, `$ ${cmd} ${args.join(" ")}\n${r.stdout ?? ""}${r.stderr ?? ""}`);
  if (r.error) throw new SetupError(`could not start ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = logFile ? `\n${fs.readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-25).join("\n")}\n(full log: ${path.relative(ROOT, logFile)})` : "";
    throw new SetupError(`${path.basename(cmd)} ${args.slice(0, 3).join(" ")} … failed (exit ${r.status ?? r.signal})${tail}`);
  }
  return r.stdout ?? "";
}

/** npm as the user ran it (npm run sets npm_execpath), else the one on PATH. */
function npm(args) {
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.js$/.test(cli)) return run(process.execPath, [cli, ...args]);
  return run(process.platform === "win32" ? "npm.cmd" : "npm", args);
}

/** tfjs-node's files, installed without its install script (which would try the download and fail). */
function ensurePackage() {
  if (fs.existsSync(path.join(PACKAGE, "package.json"))) return;
  log("installing @tensorflow/tfjs-node (version from package-lock.json) without its install script");
  npm(["install", "--ignore-scripts", "--no-save", "--no-audit", "--no-fund"]);
  // --ignore-scripts also skipped nnlab's own `prepare`, whose node_modules/nnlab shim npm just removed.
  run(process.execPath, [path.join(__dirname, "link-self.js")]);
  if (!fs.existsSync(path.join(PACKAGE, "package.json"))) throw new SetupError(`npm did not install ${path.relative(ROOT, PACKAGE)}`);
}

function commandWorks(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return !r.error && r.status === 0;
}

/** node-gyp as node-pre-gyp would find it: the one npm ships (npm sets npm_config_node_gyp), or beside npm. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  if (process.env.npm_execpath) candidates.push(path.join(path.dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  const prefix = path.dirname(path.dirname(process.execPath));
  candidates.push(path.join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  return candidates.find((c) => c && fs.existsSync(c));
}

/**
 * A prefix holding include/node/node_api.h, so node-gyp need not download Node's headers:
 * preferably the headers of the Node running this (a configured nodedir may belong to another
 * Node on the machine; the addon uses Node-API, so any version's headers still build it).
 */
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, path.dirname(path.dirname(process.execPath)), "/usr", "/usr/local"]
    .filter((d) => d && fs.existsSync(path.join(d, "include", "node", "node_api.h")));
  const major = (d) => (fs.readFileSync(path.join(d, "include", "node", "node_version.h"), "utf8").match(/#define NODE_MAJOR_VERSION (\d+)/) || [])[1];
  return candidates.find((d) => fs.existsSync(path.join(d, "include", "node", "node_version.h")) && major(d) === process.versions.node.split(".")[0]) ?? candidates[0];
}

/** Everything the build needs, checked up front so a missing tool is named, not buried in a build log. */
function checkTools() {
  const missing = [];
  const cxx = process.env.CXX || "c++";
  if (!commandWorks(cxx, ["--version"])) missing.push(`a C++ compiler (${cxx}); Debian/Ubuntu: apt-get install g++`);
  if (!commandWorks("make", ["--version"])) missing.push("make; Debian/Ubuntu: apt-get install make");
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) missing.push("node-gyp (it ships with npm; reinstall npm, or set npm_config_node_gyp to node-gyp's bin/node-gyp.js)");
  let nodePreGyp;
  try {
    nodePreGyp = require.resolve("@mapbox/node-pre-gyp/bin/node-pre-gyp", { paths: [PACKAGE] });
  } catch {
    missing.push("@mapbox/node-pre-gyp (a dependency of tfjs-node; run npm install)");
  }
  let python;
  try {
    python = findSystemPython();
  } catch (e) {
    missing.push(e.message.split("\n")[0]);
  }
  if (python && !commandWorks(python, ["-m", "pip", "--version"])) missing.push(`pip for ${python}; Debian/Ubuntu: apt-get install python3-pip`);
  if (missing.length) throw new SetupError(`missing:\n  - ${missing.join("\n  - ")}`);
  const nodeDir = findNodeDir();
  log(`tools: ${cxx}, make, ${python}, node-gyp ${nodeGyp}, Node headers ${nodeDir ? `in ${nodeDir}/include/node` : "to be downloaded by node-gyp"}`);
  return { nodeGyp, nodePreGyp, python, nodeDir };
}

/** The pinned wheel in .cache/tfjs-node/, downloaded once. */
function ensureWheel(python) {
  const pin = fs.readFileSync(REQUIREMENTS, "utf8").match(/^tensorflow-cpu==(\S+)/m);
  if (!pin) throw new SetupError(`${path.basename(REQUIREMENTS)} has no tensorflow-cpu==VERSION line`);
  const prefix = `tensorflow_cpu-${pin[1]}-`;
  const cached = () => fs.existsSync(CACHE) && fs.readdirSync(CACHE).find((f) => f.startsWith(prefix) && f.endsWith(".whl"));
  if (cached()) {
    log(`wheel: ${path.relative(ROOT, path.join(CACHE, cached()))} (cached)`);
  } else {
    log(`downloading tensorflow-cpu ${pin[1]} (about 270 MB) with pip into ${path.relative(ROOT, CACHE)}/`);
    fs.mkdirSync(CACHE, { recursive: true });
    const args = ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", ...WHEEL_TAGS, "--no-cache-dir"];
    run(python, [...args, "--require-hashes", "-r", REQUIREMENTS, "-d", CACHE, "--quiet", "--disable-pip-version-check"]);
    if (!cached()) throw new SetupError(`pip reported success but no ${prefix}*.whl is in ${CACHE}`);
  }
  return { wheel: path.join(CACHE, cached()), version: pin[1] };
}

/** deps/lib and deps/include as tfjs-node's binding.gyp expects them, from the wheel. */
function layOutDeps(python, wheel) {
  const deps = path.join(PACKAGE, "deps");
  fs.rmSync(deps, { recursive: true, force: true });
  log(`unpacking TensorFlow's C library into ${path.relative(ROOT, deps)}/`);
  const out = run(python, [EXTRACT, wheel, deps, path.join(PACKAGE, "binding")], { capture: true });
  const { headers } = JSON.parse(out.trim().split("\n").pop());
  // The binding links -ltensorflow -ltensorflow_framework. libtensorflow_cc.so.2
  // exports the C API (all of it but TF_NewTensor, which is in the framework library).
  const lib = path.join(deps, "lib");
  fs.symlinkSync("libtensorflow_cc.so.2", path.join(lib, "libtensorflow.so"));
  fs.symlinkSync("libtensorflow_framework.so.2", path.join(lib, "libtensorflow_framework.so"));
  fs.symlinkSync("libtensorflow_cc.so.2", path.join(lib, INSTALL_SCRIPT_LIBRARY));
  log(`  2 libraries, ${headers} headers`);
}

function buildAddon({ nodeGyp, nodePreGyp, nodeDir }) {
  log("compiling the tfjs-node addon (node-pre-gyp rebuild --build-from-source)");
  // Only the Node-API version this Node will load: tfjs-node lists six, each a full build.
  const args = [nodePreGyp, "rebuild", "--build-from-source", "--build-latest-napi-version-only"];
  if (nodeDir) args.push(`--nodedir=${nodeDir}`);
  run(process.execPath, args, { cwd: PACKAGE, env: { ...process.env, npm_config_node_gyp: nodeGyp }, logFile: path.join(CACHE, "build.log") });
}

function main(argv) {
  if (argv.includes("-h") || argv.includes("--help")) return console.log(HELP);
  const unknown = argv.filter((a) => a !== "--force");
  if (unknown.length) throw new SetupError(`unknown option ${unknown[0]} (see --help)`);
  const started = Date.now();
  const before = probe();
  if (before.ok && !argv.includes("--force")) {
    log(`tfjs-node ${before.tfjsNode} already works (TensorFlow ${before.tensorflow}); nothing to do`);
    return;
  }
  if (!before.ok) log(`tfjs-node does not work yet: ${before.why}`);
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new SetupError(
      `this setup supports Linux x64 only (here: ${process.platform} ${process.arch}). Elsewhere tfjs-node's own ` +
        "install downloads libtensorflow: run `npm install` with internet access. Without it nnlab uses the wasm backend.",
    );
  }
  ensurePackage();
  const tools = checkTools();
  fs.mkdirSync(CACHE, { recursive: true });
  const { wheel, version } = ensureWheel(tools.python);
  layOutDeps(tools.python, wheel);
  buildAddon(tools);
  const after = probe();
  if (!after.ok) throw new SetupError(`the addon was built but tfjs-node still fails to load: ${after.why}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  log(`done in ${seconds} s: tfjs-node ${after.tfjsNode} runs on TensorFlow ${after.tensorflow} (tensorflow-cpu ${version} wheel).`);
  log('loadBackend() now picks the "tensorflow" backend.');
}

try {
  main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof SetupError)) throw e;
  console.error(`[setup:tfjs-node] error: ${e.message}`);
  process.exit(1);
}
