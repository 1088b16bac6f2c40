#!/usr/bin/env node
// The project-local Python environment for JupyterLab and the kernel tests.
//
//   const { ensurePythonEnv } = require("./scripts/python-env");
//   const { python, env } = await ensurePythonEnv();   // env: spawn jupyter/nbclient with it
//
//   node scripts/python-env.js             # creates/updates .venv, prints the venv's python path
//   node scripts/python-env.js --nbgrader  # the same, plus nbgrader
//
// First use creates `.venv` (git-ignored) with `python3 -m venv`, pip installs
// requirements-lab.txt into it and registers the course's TypeScript kernel
// (tslab, patched; scripts/kernel.js) in .venv/share/jupyter/kernels/tslab.
// Nothing is written to the user's global Jupyter directories: the returned
// env points every Jupyter directory into .venv. With { nbgrader: true }
// (`node scripts/python-env.js --nbgrader`) it also installs the pinned
// nbgrader of requirements-nbgrader.txt (see docs/nbgrader.md).
// A stamp file remembers what was installed, so a second call installs nothing.
"use strict";

const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const { spawnSync, spawn } = require("child_process");

const ROOT = path.resolve(__dirname, "..");
const VENV = path.join(ROOT, ".venv");
const REQUIREMENTS = path.join(ROOT, "requirements-lab.txt");
const NBGRADER_REQUIREMENTS = path.join(ROOT, "requirements-nbgrader.txt");
const STAMP = path.join(VENV, ".nnlab-stamp.json");
const LOCK = path.join(VENV, ".nnlab-setup.lock");
const MIN_PYTHON = [3, 9];
const IS_WINDOWS = process.platform === "win32";

class PythonEnvError extends Error {}

const venvBin = IS_WINDOWS ? path.join(VENV, "Scripts") : path.join(VENV, "bin");
const venvPython = path.join(venvBin, IS_WINDOWS ? "python.exe" : "python");
const jupyterShare = path.join(VENV, "share", "jupyter");

/** Kernel spec for the course's tslab kernel (scripts/kernel.js), pinned to this checkout's node and tslab. */
function tslabKernelSpec() {
  return {
    argv: [process.execPath, path.join(ROOT, "scripts", "kernel.js"), "{connection_file}"],
    display_name: "TypeScript",
    language: "typescript",
  };
}

const NBGRADER_SERVER_EXTENSIONS = ["formgrader", "validate_assignment", "assignment_list", "course_list"].map(
  (e) => `nbgrader.server_extensions.${e}`,
);

/** Files we own inside .venv besides the pip packages: path → JSON content. */
function managedFiles() {
  return {
    [path.join(jupyterShare, "kernels", "tslab", "kernel.json")]: tslabKernelSpec(),
    // Only the course kernel is offered (ipykernel, a JupyterLab dependency,
    // would otherwise add a Python kernel), and new notebooks default to it.
    [path.join(VENV, "etc", "jupyter", "jupyter_server_config.json")]: {
      KernelSpecManager: { ensure_native_kernel: false, allowed_kernelspecs: ["tslab"] },
      MappingKernelManager: { default_kernel_name: "tslab" },
      // nbgrader (--nbgrader) is for the command line; the course's JupyterLab
      // stays the students' one, without nbgrader's menus and server endpoints.
      ServerApp: { jpserver_extensions: Object.fromEntries(NBGRADER_SERVER_EXTENSIONS.map((e) => [e, false])) },
    },
    [path.join(VENV, "etc", "jupyter", "labconfig", "page_config.json")]: {
      disabledExtensions: { "@jupyter/nbgrader": true },
    },
    // The course works offline: no news feed or update check from JupyterLab.
    [path.join(jupyterShare, "lab", "settings", "overrides.json")]: {
      "@jupyterlab/apputils-extension:notification": { checkForUpdates: false, fetchNews: "false" },
    },
  };
}

/** Environment for running the venv's jupyter/python: every Jupyter dir lives in .venv. */
function venvEnv(base = process.env) {
  const env = { ...base };
  delete env.PYTHONHOME;
  delete env.PYTHONPATH;
  delete env.CONDA_PREFIX;
  env.VIRTUAL_ENV = VENV;
  env.PATH = venvBin + path.delimiter + (base.PATH || "");
  env.JUPYTER_PATH = jupyterShare;
  env.JUPYTER_DATA_DIR = path.join(VENV, "jupyter", "data");
  env.JUPYTER_CONFIG_DIR = path.join(VENV, "jupyter", "config");
  env.JUPYTER_RUNTIME_DIR = path.join(VENV, "jupyter", "runtime");
  env.JUPYTER_CONFIG_PATH = path.join(VENV, "etc", "jupyter");
  env.IPYTHONDIR = path.join(VENV, "ipython"); // IPython (pulled in by JupyterLab) would create ~/.ipython
  env.JUPYTER_PREFER_ENV_PATH = "1";
  env.JUPYTER_PLATFORM_DIRS = "1";
  env.PYTHONNOUSERSITE = "1"; // ~/.local site-packages must not shadow the pins
  env.PIP_DISABLE_PIP_VERSION_CHECK = "1";
  return env;
}

function sha256(text) {
  return crypto.createHash("sha256").update(text).digest("hex");
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(STAMP, "utf8"));
  } catch {
    return {};
  }
}

/** Python version as [major, minor], or null if `cmd` is not a runnable Python. */
function pythonVersion(cmd) {
  const r = spawnSync(cmd, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
    encoding: "utf8",
  });
  if (r.status !== 0 || !r.stdout) return null;
  const [major, minor] = r.stdout.trim().split(".").map(Number);
  return [major, minor];
}

function atLeast([major, minor], [wantMajor, wantMinor]) {
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

/** The system Python used to create .venv: $PYTHON, then python3, then python. */
function findSystemPython() {
  const candidates = [process.env.NNLAB_PYTHON, process.env.PYTHON, "python3", "python"].filter(Boolean);
  if (IS_WINDOWS) candidates.push("py");
  const seen = [];
  for (const cmd of candidates) {
    const v = pythonVersion(cmd);
    if (!v) continue;
    seen.push(`${cmd} is Python ${v.join(".")}`);
    if (atLeast(v, MIN_PYTHON)) return cmd;
  }
  const found = seen.length ? ` Found: ${seen.join("; ")}.` : " No python3 or python was found on PATH.";
  throw new PythonEnvError(
    `nnlab needs Python ${MIN_PYTHON.join(".")} or newer to run JupyterLab.${found}\n` +
      "Install it, then run the command again:\n" +
      "  Debian/Ubuntu:  sudo apt-get install python3 python3-venv\n" +
      "  macOS:          brew install python@3.12\n" +
      "  Windows:        https://www.python.org/downloads/ (tick 'Add python.exe to PATH')\n" +
      "Or point NNLAB_PYTHON at a Python 3.9+ executable.",
  );
}

/** Run a command, streaming its output to stderr (so CLI stdout stays just the python path). */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"], ...opts });
    // pip's progress goes to our stderr: keep stdout clean for `node scripts/python-env.js`.
    if (child.stdout) child.stdout.pipe(process.stderr);
    child.on("error", (err) => reject(new PythonEnvError(`could not start ${cmd}: ${err.message}`)));
    child.on("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new PythonEnvError(`${cmd} ${args.join(" ")} failed (${signal || "exit " + code})`));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

/** Serialise setup between processes (parallel test files may all ask at once). */
async function withLock(fn) {
  fs.mkdirSync(VENV, { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(LOCK, "utf8")) || 0;
      if (holder && !pidAlive(holder)) {
        fs.rmSync(LOCK, { force: true }); // left behind by a killed setup
        continue;
      }
      if (Date.now() > deadline) throw new PythonEnvError(`timed out waiting for ${LOCK} (pid ${holder})`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}

function log(msg) {
  process.stderr.write(`[python-env] ${msg}\n`);
}

/**
 * Make sure .venv exists with the pinned packages and the tslab kernel
 * (and nbgrader, when `opts.nbgrader`; once installed it stays).
 * @param {{ nbgrader?: boolean }} [opts]
 * @returns {Promise<{ python: string, env: NodeJS.ProcessEnv }>}
 */
async function ensurePythonEnv(opts = {}) {
  const requirements = fs.readFileSync(REQUIREMENTS, "utf8");
  const files = managedFiles();
  const filesHash = sha256(JSON.stringify(files));
  const reqHash = sha256(requirements);
  const nbgraderHash = opts.nbgrader ? sha256(fs.readFileSync(NBGRADER_REQUIREMENTS, "utf8")) : undefined;
  const upToDate = () => {
    const s = readStamp();
    const nbgraderOk = !nbgraderHash || s.nbgrader === nbgraderHash;
    return fs.existsSync(venvPython) && s.requirements === reqHash && s.files === filesHash && nbgraderOk;
  };
  if (!upToDate()) {
    await withLock(async () => {
      if (upToDate()) return; // another process finished the setup while we waited
      const stamp = readStamp();
      if (!fs.existsSync(venvPython) || !pythonVersion(venvPython)) {
        const system = findSystemPython();
        log(`creating ${path.relative(ROOT, VENV)} with ${system}`);
        await run(system, ["-m", "venv", VENV]).catch((err) => {
          throw new PythonEnvError(
            `${err.message}\nCould not create a virtual environment. On Debian/Ubuntu install the venv module: ` +
              "sudo apt-get install python3-venv",
          );
        });
        stamp.requirements = undefined;
      }
      const env = venvEnv();
      if (stamp.requirements !== reqHash) {
        log(`installing ${path.basename(REQUIREMENTS)} into .venv (first run only; takes a minute)`);
        await run(venvPython, ["-m", "pip", "install", "--quiet", "-r", REQUIREMENTS], { env });
        stamp.nbgrader = undefined; // pip may have changed what nbgrader depends on
      }
      if (nbgraderHash && stamp.nbgrader !== nbgraderHash) {
        log(`installing ${path.basename(NBGRADER_REQUIREMENTS)} into .venv (first run only)`);
        // Both files at once, so pip keeps the lab pins while resolving nbgrader's needs.
        await run(venvPython, ["-m", "pip", "install", "--quiet", "-r", REQUIREMENTS, "-r", NBGRADER_REQUIREMENTS], { env });
        stamp.nbgrader = nbgraderHash;
      }
      for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(content, null, 2) + "\n");
      }
      const tmp = `${STAMP}.${process.pid}`;
      fs.writeFileSync(tmp, JSON.stringify({ requirements: reqHash, files: filesHash, nbgrader: stamp.nbgrader }, null, 2) + "\n");
      fs.renameSync(tmp, STAMP);
      log("ready");
    });
  }
  return { python: venvPython, env: venvEnv() };
}

module.exports = { ensurePythonEnv, venvEnv, tslabKernelSpec, findSystemPython, PythonEnvError, VENV, ROOT };

if (require.main === module) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--nbgrader");
  if (unknown.length) {
    console.error(`error: unknown option ${unknown[0]}\nusage: node scripts/python-env.js [--nbgrader]`);
    process.exit(2);
  }
  ensurePythonEnv({ nbgrader: args.includes("--nbgrader") }).then(
    ({ python }) => console.log(python),
    (err) => {
      console.error(err instanceof PythonEnvError ? `error: ${err.message}` : err);
      process.exit(1);
    },
  );
}
