// Finding and starting a Chromium for figure images. We never download a
// browser: we drive one already on the machine (Debian's /usr/bin/chromium in
// CI, installed by scripts/ensure-chromium.js) through playwright-core.
import fs from "node:fs";
import type { Browser } from "playwright-core";

/** The flags the project runs Chromium with everywhere (tests and images): headless, quiet, offline. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

/** Where Chromium or Chrome usually lives on Linux, macOS and Windows. */
const CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
  "C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe",
];

export type ChromiumLookup = { path: string } | { missing: string };

/**
 * The Chromium to use: $NNLAB_CHROMIUM when set (and then only that one),
 * else the first usual location that exists. `missing` says where we looked.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const chosen = env.NNLAB_CHROMIUM;
  if (chosen !== undefined && chosen !== "") {
    return fs.existsSync(chosen) ? { path: chosen } : { missing: `NNLAB_CHROMIUM=${chosen} does not exist` };
  }
  const found = CANDIDATES.find((p) => fs.existsSync(p));
  return found ? { path: found } : { missing: `no Chromium or Chrome found (looked for ${CANDIDATES[0]} and the usual places; set NNLAB_CHROMIUM to its path)` };
}

/** Starts a headless Chromium, or says why it could not (playwright-core missing, browser failing to start). */
export async function launchChromium(executablePath: string): Promise<Browser | { failed: string }> {
  let playwright: typeof import("playwright-core");
  try {
    playwright = await import("playwright-core");
  } catch {
    return { failed: "playwright-core is not installed (npm install, without --omit=dev)" };
  }
  try {
    return await playwright.chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (e) {
    return { failed: `${executablePath} did not start: ${firstLine(e)}` };
  }
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split("\n")[0];
}
