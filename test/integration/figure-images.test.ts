// Figure images (tools/images): plotly.js in Debian's headless Chromium draws
// each figure of a notebook written by `nnlab run`, into the same MIME bundle
// as the plotly JSON. Checked on real pixels (decoded in Chromium), through
// the real tslab executor and the built CLI; and without a Chromium, `nnlab
// run` still writes the notebook and says images were skipped.
// Needs /usr/bin/chromium (`node scripts/ensure-chromium.js` installs it).
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { FigureRenderer, IMAGE_MIME, launchChromium, type FigureImage, type PlotlyFigure } from "../../tools/images";
import { parseNotebook } from "../../tools/notebook";
import type { Notebook } from "../../tools/notebook/types";
import { PLOTLY_MIME } from "../../lib/plot/show";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "nnlab.js");
const PLOT_FIXTURE = path.join(ROOT, "test", "fixtures", "jupyter", "plot.ipynb");
const CHROMIUM = "/usr/bin/chromium";

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function nnlab(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 300_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A plot with nothing but one big pure-red marker at (x, 0) on a fixed 0..10 axis. */
function redDot(x: number): PlotlyFigure["data"][number] {
  return { type: "scatter", mode: "markers", x: [x], y: [0], marker: { size: 40, color: "rgb(255,0,0)" } };
}
const fixedAxes = { width: 400, height: 300, showlegend: false, xaxis: { range: [0, 10] }, yaxis: { range: [-1, 1] }, margin: { l: 20, r: 20, t: 20, b: 20 } };

interface Pixels {
  width: number;
  height: number;
  /** Pure-ish red pixels and the mean of their x, as a fraction of the width. */
  red: number;
  redX: number;
}

/** Decodes an image in the browser and looks at its pixels. */
async function pixels(page: Page, image: FigureImage): Promise<Pixels> {
  return page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let red = 0;
    let sumX = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] > 200 && data[i + 1] < 60 && data[i + 2] < 60) {
        red++;
        sumX += (i / 4) % canvas.width;
      }
    }
    return { width: canvas.width, height: canvas.height, red, redX: red ? sumX / red / canvas.width : NaN };
  }, `data:${image.mime};base64,${image.base64}`);
}

type RichOutput = { data: Record<string, unknown>; metadata: Record<string, unknown> };

function figureOutputsOf(nb: Notebook): RichOutput[] {
  const outputs = nb.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : [])) as unknown as Array<Partial<RichOutput>>;
  return outputs.filter((o): o is RichOutput => !!o.data && PLOTLY_MIME in o.data);
}

describe("figure images drawn by plotly.js in headless Chromium", () => {
  let renderer: FigureRenderer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run node scripts/ensure-chromium.js`);
    const started = await FigureRenderer.start({ NNLAB_CHROMIUM: CHROMIUM });
    if (!(started instanceof FigureRenderer)) throw new Error(started.unavailable);
    renderer = started;
    const b = await launchChromium(CHROMIUM);
    if ("failed" in b) throw new Error(b.failed);
    browser = b;
    page = await browser.newPage();
  });

  afterAll(async () => {
    await renderer?.close();
    await browser?.close();
  });

  it("draws the figure's data at its layout's size, and the same bytes every time", async () => {
    const left = await renderer.render({ data: [redDot(2)], layout: fixedAxes });
    const right = await renderer.render({ data: [redDot(8)], layout: fixedAxes });
    expect(left.mime).toBe("image/jpeg");
    const [l, r] = [await pixels(page, left), await pixels(page, right)];
    expect([l.width, l.height]).toEqual([400, 300]);
    expect(l.red).toBeGreaterThan(300); // a 40 px marker
    expect(l.redX).toBeLessThan(0.35);
    expect(r.redX).toBeGreaterThan(0.65);
    // Re-running a notebook must not churn its file in git.
    expect((await renderer.render({ data: [redDot(2)], layout: fixedAxes })).base64).toBe(left.base64);
  });

  it("pictures an animated figure at its slider's frame, else at its last frame", async () => {
    const frames = [2, 5, 8].map((x, i) => ({ name: `f${i}`, data: [redDot(x)], traces: [0] }));
    const last = await pixels(page, await renderer.render({ data: [redDot(2)], layout: fixedAxes, frames }));
    expect(last.redX).toBeGreaterThan(0.65);
    const step = (name: string) => ({ label: name, method: "animate", args: [[name], { mode: "immediate" }] });
    const sliders = [{ active: 1, steps: frames.map((f) => step(f.name)) }];
    const middle = await pixels(page, await renderer.render({ data: [redDot(8)], layout: { ...fixedAxes, sliders }, frames }));
    expect(middle.redX).toBeGreaterThan(0.35);
    expect(middle.redX).toBeLessThan(0.65);
  });

  it("keeps a shaded figure (contour, heatmap) small", async () => {
    const n = 120;
    const z = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.sin(i / 7) * Math.cos(j / 11) + Math.sin((i * j) / 500)));
    const image = await renderer.render({ data: [{ type: "heatmap", z, zsmooth: "best", colorscale: "Viridis" }], layout: { width: 640, height: 480 } });
    expect((image.base64.length * 3) / 4).toBeLessThan(100_000); // as PNG this picture is about 300 kB
    const p = await pixels(page, image);
    expect([p.width, p.height]).toEqual([640, 480]);
  });

  it("reports a figure plotly.js cannot draw as an error, and keeps working", async () => {
    await expect(renderer.render({ data: [null] })).rejects.toThrow(/^plotly\.js: TypeError: Cannot read properties of null/);
    expect((await renderer.render({ data: [redDot(5)], layout: fixedAxes })).mime).toBe(IMAGE_MIME);
  });
});

describe("nnlab run --images / --no-images (built CLI, real tslab executor)", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-images-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const written = (sub: string): Notebook => parseNotebook(fs.readFileSync(path.join(dir, sub, "plot.ipynb")));

  it("adds an image of each figure next to its plotly JSON and says so", async () => {
    const r = await nnlab(["run", PLOT_FIXTURE, "--out", path.join(dir, "auto")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok\s+\S+plot\.ipynb\s+\(4 code cells, 1 figure image, [\d.]+ s/);
    const [figure] = figureOutputsOf(written("auto"));
    // image/jpeg, never image/png: jupyterlab-plotly would show a PNG instead of the interactive chart.
    expect(Object.keys(figure.data)).toEqual([PLOTLY_MIME, "image/jpeg", "text/plain"]);
    expect(figure.metadata["image/jpeg"]).toEqual({ width: 640, height: 420 });
    expect(r.stderr).not.toMatch(/images skipped/);
  });

  it("--no-images: the kernel's own bundle, plotly JSON and a text line, a few kilobytes", async () => {
    const r = await nnlab(["run", PLOT_FIXTURE, "--out", path.join(dir, "off"), "--no-images"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(4 code cells, [\d.]+ s/);
    const outputs = figureOutputsOf(written("off"));
    expect(outputs).toHaveLength(1);
    expect(Object.keys(outputs[0].data).sort()).toEqual([PLOTLY_MIME, "text/plain"]);
    expect(JSON.stringify(outputs[0]).length).toBeLessThan(10_000);
    expect(r.stderr).toBe("");
  });

  it("without a Chromium: still writes the notebook, without images, and says images were skipped", async () => {
    const r = await nnlab(["run", PLOT_FIXTURE, "--out", path.join(dir, "none")], { NNLAB_CHROMIUM: path.join(dir, "no-such-chromium") });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok\s+\S+plot\.ipynb\s+\(4 code cells, 1 figure, images skipped, /);
    expect(r.stderr).toMatch(/^images skipped: NNLAB_CHROMIUM=\S+no-such-chromium does not exist/);
    expect(Object.keys(figureOutputsOf(written("none"))[0].data).sort()).toEqual([PLOTLY_MIME, "text/plain"]);
  });

  it("--images without a Chromium fails before running anything, with a one-line reason", async () => {
    const r = await nnlab(["run", PLOT_FIXTURE, "--out", path.join(dir, "required"), "--images"], { NNLAB_CHROMIUM: path.join(dir, "no-such-chromium") });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/run: --images: NNLAB_CHROMIUM=\S+ does not exist/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(fs.existsSync(path.join(dir, "required", "plot.ipynb"))).toBe(false);
  });
});
