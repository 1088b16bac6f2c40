#!/usr/bin/env node
// Makes sure Debian's Slurm (slurmctld, slurmd, the client commands) and
// munge are installed, for the test that runs docs/slurm/grade-array.sh on a
// one-node cluster (test/integration/slurm.test.ts). As root with apt-get
// (CI, containers) it installs them (about 3.5 MB); anywhere else it says
// what to install and exits non-zero. It installs only: the test starts its
// own private daemons and stops them again.
"use strict";

const { spawnSync } = require("child_process");

const PACKAGES = ["slurmctld", "slurmd", "slurm-client", "munge"];
const PROGRAMS = ["slurmctld", "slurmd", "sbatch", "squeue", "scancel", "scontrol", "sinfo", "munged", "munge"];

const have = (prog) => spawnSync("sh", ["-c", `command -v ${prog}`], { stdio: "ignore", env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } }).status === 0;
const missing = () => PROGRAMS.filter((p) => !have(p));

function sh(cmd, args) {
  console.error(`[ensure-slurm] ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return r.status === 0;
}

function main() {
  if (missing().length === 0) {
    console.error("[ensure-slurm] Slurm and munge are present");
    return 0;
  }
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && have("apt-get")) {
    if (sh("apt-get", ["update"]) && sh("apt-get", ["install", "-y", "--no-install-recommends", ...PACKAGES]) && missing().length === 0) return 0;
    console.error(`[ensure-slurm] apt-get did not provide: ${missing().join(", ")}`);
    return 1;
  }
  console.error(
    `[ensure-slurm] missing: ${missing().join(", ")}. The Slurm test runs a one-node cluster of Debian's packages:\n` +
      `  sudo apt-get install ${PACKAGES.join(" ")}`,
  );
  return 1;
}

process.exit(main());
