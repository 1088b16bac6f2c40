#!/usr/bin/env node
// `node scripts/nbgrader-parity.js [--exercises E01,E05] [--keep DIR] [--report R.json]`
//
// Installs the pinned nbgrader into .venv (requirements-nbgrader.txt, first run
// only), then runs scripts/nbgrader_parity.py with the venv's Python and
// Jupyter directories, so nbgrader finds the course's kernel. Without
// --exercises it checks all 12 exercises (about 10-15 minutes on 2 cores).
"use strict";

const path = require("path");
const { spawn } = require("child_process");
const { ensurePythonEnv, PythonEnvError, ROOT } = require("./python-env");

ensurePythonEnv({ nbgrader: true }).then(
  ({ python, env }) => {
    const child = spawn(python, [path.join(ROOT, "scripts", "nbgrader_parity.py"), ...process.argv.slice(2)], { env, stdio: "inherit" });
    child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  },
  (err) => {
    console.error(err instanceof PythonEnvError ? `error: ${err.message}` : err);
    process.exit(1);
  },
);
