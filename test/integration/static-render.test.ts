// Lecture notebooks as a reader without JavaScript sees them (GitHub, nbviewer):
// nbconvert from the project venv renders each committed lecture notebook to
// HTML, every <script> is removed (as GitHub does), and each figure must be
// there as exactly one image — and a real one: Chromium, with JavaScript off,
// decodes every image. Screenshots of these pages go to
// test/artifacts/static-render/ (docs/static-render.png is one of them).
// Also: no notebook of the course carries plotly.js's source.
// Needs the venv (made on first use) and /usr/bin/chromium.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext } from "playwright-core";
import { IMAGE_MIME, launchChromium } from "../../tools/images";
import { PLOTLY_MIME } from "../../lib/plot/show";
import { plotlyScript } from "../../lib/plot/html";
import { ARTIFACTS, notebooksIn, rel, runPython } from "../helpers/jupyter";

const CHROMIUM = "/usr/bin/chromium";
const lectures = notebooksIn("notebooks");

// nbconvert's HTML exporter with its default (JupyterLab) template, one process for every notebook.
const NBCONVERT = `
import pathlib, sys, nbformat
from nbconvert import HTMLExporter
out = pathlib.Path(sys.argv[1])
exporter = HTMLExporter()
for name in sys.argv[2:]:
    body, _ = exporter.from_notebook_node(nbformat.read(name, as_version=4))
    (out / (pathlib.Path(name).stem + ".html")).write_text(body, encoding="utf-8")
`;

/** What GitHub does to a rendered notebook: no script survives. */
function removeScripts(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, "");
}

interface FigureOutput {
  cell: number;
  /** The image `nnlab run` put next to the plotly JSON, if any. */
  image?: string;
  /** A PNG would make JupyterLab's plotly renderer show it instead of the interactive chart. */
  hasPng: boolean;
}

function figuresOf(file: string): FigureOutput[] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: Array<{ cell_type: string; outputs?: Array<{ data?: Record<string, unknown> }> }> };
  const found: FigureOutput[] = [];
  nb.cells.forEach((cell, i) => {
    for (const o of cell.outputs ?? []) {
      if (!o.data || !(PLOTLY_MIME in o.data)) continue;
      const image = o.data[IMAGE_MIME];
      const base64 = typeof image === "string" || Array.isArray(image) ? [image].flat().join("").replace(/\s/g, "") : undefined;
      found.push({ cell: i + 1, image: base64, hasPng: "image/png" in o.data });
    }
  });
  return found;
}

// ------------------------------------------------------------ plotly.js source
/**
 * Forty-character samples spread over plotly.min.js: a notebook holding the
 * library (even with "</script" escaped, as inlined HTML had it) contains all
 * of them; a notebook that merely names plotly contains none.
 */
function plotlyMarkers(): string[] {
  const source = fs.readFileSync(require.resolve("plotly.js-dist-min"), "utf8");
  const markers: string[] = [];
  for (let k = 1; k <= 12; k++) {
    let at = Math.floor((source.length * k) / 13);
    while (/[<\n]/.test(source.slice(at, at + 40))) at += 41;
    markers.push(source.slice(at, at + 40));
  }
  return markers;
}

/** Every string in a parsed JSON value, joined (sources, outputs, metadata alike). */
function allStrings(x: unknown, out: string[] = []): string[] {
  if (typeof x === "string") out.push(x);
  else if (Array.isArray(x)) x.forEach((v) => allStrings(v, out));
  else if (x && typeof x === "object") Object.values(x).forEach((v) => allStrings(v, out));
  return out;
}

function carriesPlotly(text: string, markers: string[]): boolean {
  return markers.some((m) => text.includes(m));
}

describe("no notebook carries plotly.js", () => {
  const markers = plotlyMarkers();
  const notebooks = [...lectures, ...notebooksIn("solutions"), ...notebooksIn("exercises")];

  it("the check recognises plotly.js, also as inlined HTML used to carry it", () => {
    expect(carriesPlotly(fs.readFileSync(require.resolve("plotly.js-dist-min"), "utf8"), markers)).toBe(true);
    const oldStyle = JSON.stringify({ data: { "text/html": [`<div></div><script>${plotlyScript()}</script>`] } });
    expect(carriesPlotly(allStrings(JSON.parse(oldStyle)).join("\n"), markers)).toBe(true);
    expect(carriesPlotly("plotly.js v2.35.3, Plotly.newPlot(el, data)", markers)).toBe(false);
  });

  it.each(notebooks.map((f) => [rel(f), f]))("%s", (_name, file) => {
    const strings = allStrings(JSON.parse(fs.readFileSync(file, "utf8"))).join("\n");
    expect(carriesPlotly(strings, markers), `${rel(file)} contains plotly.js's source`).toBe(false);
  });
});

describe("lecture notebooks in nbconvert's HTML with every <script> removed", () => {
  let tmp = "";
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const shots = path.join(ARTIFACTS, "static-render");

  beforeAll(async () => {
    expect(lectures.length).toBeGreaterThan(0);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-static-"));
    const r = await runPython(["-c", NBCONVERT, tmp, ...lectures]);
    if (r.code !== 0) throw new Error(`nbconvert failed (exit ${r.code}):\n${r.stderr}`);
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run node scripts/ensure-chromium.js`);
    const b = await launchChromium(CHROMIUM);
    if ("failed" in b) throw new Error(b.failed);
    browser = b;
    // A reader with JavaScript off and no network: what GitHub's static view shows.
    context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
    await context.route("**/*", (route) => route.abort());
    fs.mkdirSync(shots, { recursive: true });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.each(lectures.map((f) => [rel(f), f]))("%s shows one image per figure", async (name, file) => {
    const figures = figuresOf(file);
    const missing = figures.filter((f) => !f.image).map((f) => `cell ${f.cell}`);
    expect(missing, `${name}: figures without an image; re-run \`node bin/nnlab.js run ${name} --inplace\``).toEqual([]);
    expect(figures.filter((f) => f.hasPng).map((f) => `cell ${f.cell}`), `${name}: figures with an image/png`).toEqual([]);

    const html = removeScripts(fs.readFileSync(path.join(tmp, `${path.basename(file, ".ipynb")}.html`), "utf8"));
    expect(html).not.toMatch(/<script/i);
    const images = [...html.matchAll(/<img\b[^>]*\bsrc="data:(image\/[a-z+]+);base64,([^"]*)"/g)].map((m) => ({ mime: m[1], base64: m[2].replace(/\s/g, "") }));
    for (const f of figures) {
      const shown = images.filter((i) => i.mime === IMAGE_MIME && i.base64 === f.image);
      expect(shown.length, `${name}, cell ${f.cell}: its figure image in the static HTML`).toBe(1);
    }
    expect(images.length, `${name}: images in the static HTML`).toBe(figures.length);

    // Chromium without JavaScript decodes every image.
    const page = await context!.newPage();
    try {
      await page.setContent(html, { waitUntil: "load" });
      const decoded = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLImageElement>('img[src^="data:image/"]')).map((img) => img.complete && img.naturalWidth > 0),
      );
      expect(decoded).toEqual(Array(figures.length).fill(true));
      if (figures.length > 0) await page.locator('img[src^="data:image/"]').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(shots, `${path.basename(file, ".ipynb")}.png`) });
    } finally {
      await page.close();
    }
  });
});
