#!/usr/bin/env node
// `npm run lab [-- <jupyter lab options>]`: the course in JupyterLab, one command.
//
//  1. makes sure .venv exists with the pinned JupyterLab and the tslab kernel
//     (scripts/python-env.js; first run only, later runs install nothing);
//  2. builds the library if dist/ is missing (notebooks import "nnlab" from dist/);
//  3. starts the venv's `jupyter lab` on the repository root, passing options
//     through (e.g. `npm run lab -- --no-browser --port 8899`), with every
//     Jupyter directory inside .venv so only the course's kernel is seen and
//     nothing is written to the user's global Jupyter setup.
"use strict";

const nodeSupport = require("./check-node");
nodeSupport.checkNode(); // an unsupported Node is told so before anything else runs

const fs = require("fs");
const path = require("path");
const { spawn } = require("child_process");
const { ensurePythonEnv, PythonEnvError, ROOT, VENV } = require("./python-env");

function runNode(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`node ${args.join(" ")} exited with ${code}`))));
  });
}

/** Build dist/ with the project's own build script when it is missing. */
async function ensureBuilt() {
  if (!fs.existsSync(path.join(ROOT, "dist", "lib", "index.js"))) {
    console.error("[lab] dist/ is missing: building the library (npm run build)");
    const npmCli = process.env.npm_execpath;
    if (npmCli && /\.c?js$/.test(npmCli)) await runNode([npmCli, "run", "build"]);
    else await runNode([path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"]);
  }
  if (!fs.existsSync(path.join(ROOT, "node_modules", "nnlab", "index.js"))) {
    await runNode([path.join(ROOT, "scripts", "link-self.js")]); // the `import "nnlab"` shim
  }
}

async function main(argv) {
  const eol = nodeSupport.note(process.version);
  if (eol) console.error(eol);
  const { env } = await ensurePythonEnv();
  await ensureBuilt();
  const jupyter = path.join(VENV, process.platform === "win32" ? "Scripts\\jupyter.exe" : "bin/jupyter");
  const args = ["lab", `--ServerApp.root_dir=${ROOT}`, ...argv];
  // Jupyter refuses to run as root unless told; containers and CI often are root.
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && !argv.some((a) => a.includes("allow-root") || a.includes("allow_root"))) args.push("--allow-root");
  console.error(`[lab] ${path.relative(ROOT, jupyter)} ${args.join(" ")}`);
  const child = spawn(jupyter, args, { cwd: ROOT, env, stdio: "inherit" });
  // Ctrl+C reaches jupyter through the terminal's process group; forward
  // signals sent to us alone (e.g. `kill`) so the server shuts its kernels down.
  for (const sig of ["SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
  process.on("SIGINT", () => {}); // let jupyter handle Ctrl+C (it asks to confirm)
  return new Promise((resolve) => {
    child.on("error", (err) => {
      console.error(`[lab] could not start ${jupyter}: ${err.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof PythonEnvError ? `error: ${err.message}` : `error: ${err.message || err}`);
    process.exit(1);
  },
);
