#!/usr/bin/env node
// Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests
// (playwright-core drives it; we never download a browser build of our own).
// As root with apt-get (CI, containers) it installs the `chromium` package;
// anywhere else it says what to install and exits non-zero. fonts-liberation
// (a Recommends we skip the rest of) keeps text in screenshots legible.
"use strict";

const fs = require("fs");
const { spawnSync } = require("child_process");

const CHROMIUM = "/usr/bin/chromium";

function haveApt() {
  return spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
}

function sh(cmd, args) {
  console.error(`[ensure-chromium] ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return r.status === 0;
}

function main() {
  if (fs.existsSync(CHROMIUM)) {
    console.error(`[ensure-chromium] ${CHROMIUM} is present`);
    return 0;
  }
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && haveApt()) {
    if (sh("apt-get", ["update"]) && sh("apt-get", ["install", "-y", "--no-install-recommends", "chromium", "fonts-liberation"])) {
      if (fs.existsSync(CHROMIUM)) return 0;
    }
    console.error(`[ensure-chromium] apt-get did not produce ${CHROMIUM}`);
    return 1;
  }
  console.error(
    `[ensure-chromium] ${CHROMIUM} not found. The browser tests drive Debian's Chromium.\n` +
      "  Debian/Ubuntu:  sudo apt-get install chromium   (Ubuntu: the chromium snap also provides /usr/bin/chromium)\n" +
      "  Elsewhere: install Chromium and link it to /usr/bin/chromium.",
  );
  return 1;
}

process.exit(main());
