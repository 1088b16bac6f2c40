// FigureRenderer: plotly JSON in, JPEG out, drawn by plotly.js itself in one
// headless Chromium page — the same library and JSON JupyterLab draws, so the
// picture is what a reader of the live notebook sees. One browser and one page
// serve a whole `nnlab run` (starting Chromium costs about a second; a figure
// then takes a fraction of that).
import type { Browser, Page } from "playwright-core";
import { plotlyScript } from "../../lib/plot/html";
import { findChromium, launchChromium } from "./chromium";

/** Plotly's own size when a figure's layout sets none. */
export const DEFAULT_SIZE = { width: 700, height: 450 };

/**
 * Figure images are JPEG, not PNG, for two reasons. JupyterLab's plotly
 * renderer (jupyterlab-plotly) treats an image/png in a figure's bundle as its
 * own snapshot and shows that picture instead of the interactive chart, so a
 * PNG would freeze every committed figure until its cell is re-run; it leaves
 * image/jpeg alone. And contour and heatmap shading, which PNG compresses
 * badly, is a quarter of the size as JPEG. At quality 0.9 lines and text stay
 * clean.
 */
export const IMAGE_MIME = "image/jpeg";
const JPEG_QUALITY = 0.9;

export interface FigureImage {
  mime: typeof IMAGE_MIME;
  /** Base64, as nbformat stores images. */
  base64: string;
  width: number;
  height: number;
}

/** What the page needs to draw one figure (the plotly JSON of a notebook output). */
export interface PlotlyFigure {
  data: unknown[];
  layout?: Record<string, unknown>;
  frames?: Array<{ name?: string }>;
}

const RENDER_TIMEOUT_MS = 60_000;

export class FigureRenderer {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  /** Starts Chromium with plotly.js loaded, or says why images cannot be made here. */
  static async start(env: NodeJS.ProcessEnv = process.env): Promise<FigureRenderer | { unavailable: string }> {
    const chromium = findChromium(env);
    if ("missing" in chromium) return { unavailable: chromium.missing };
    const browser = await launchChromium(chromium.path);
    if ("failed" in browser) return { unavailable: browser.failed };
    try {
      const page = await browser.newPage();
      // No network at all: the page has plotly.js inline and needs nothing else.
      await page.route("**/*", (route) => route.abort());
      await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0"><div id="plot"></div></body></html>');
      // Hide a page-level AMD `define` as saveHtml does (there is none here, but plotly.js checks for it).
      await page.addScriptTag({ content: `(function (define, module, exports) {\n${plotlyScript()}\n}).call(window);` });
      return new FigureRenderer(browser, page);
    } catch (e) {
      await browser.close().catch(() => undefined);
      return { unavailable: `Chromium could not load plotly.js: ${String(e instanceof Error ? e.message : e).split("\n")[0]}` };
    }
  }

  /**
   * The figure as a JPEG at its layout's size. An animated figure is drawn at
   * the frame its slider shows (else its last frame): the finished picture,
   * e.g. the whole descent path rather than its starting point.
   */
  async render(figure: PlotlyFigure): Promise<FigureImage> {
    const layout = figure.layout ?? {};
    const width = positive(layout.width) ?? DEFAULT_SIZE.width;
    const height = positive(layout.height) ?? DEFAULT_SIZE.height;
    const job = this.page.evaluate(drawInPage, { figure, width, height, frame: shownFrame(figure), quality: JPEG_QUALITY });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not draw the figure within ${RENDER_TIMEOUT_MS / 1000} s`)), RENDER_TIMEOUT_MS);
    });
    try {
      const url = await Promise.race([job, timeout]).catch((e: unknown) => {
        // "page.evaluate: TypeError: ..." → "plotly.js: TypeError: ..."
        throw new Error(`plotly.js: ${String(e instanceof Error ? e.message : e).replace(/^page\.evaluate: /, "")}`);
      });
      const prefix = `data:${IMAGE_MIME};base64,`;
      if (!url.startsWith(prefix)) throw new Error("the page returned no JPEG");
      return { mime: IMAGE_MIME, base64: url.slice(prefix.length), width, height };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }
}

function positive(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : undefined;
}

/** The frame an animated figure should be pictured at: its slider's active step, else the last frame. */
export function shownFrame(figure: PlotlyFigure): string | null {
  const names = (figure.frames ?? []).map((f) => f.name).filter((n): n is string => typeof n === "string");
  if (names.length === 0) return null;
  const slider = (figure.layout?.sliders as Array<{ active?: unknown; steps?: Array<{ method?: unknown; args?: unknown[] }> }> | undefined)?.[0];
  const step = typeof slider?.active === "number" ? slider.steps?.[slider.active] : undefined;
  const target = step?.method === "animate" && Array.isArray(step.args?.[0]) ? (step.args[0] as unknown[])[0] : undefined;
  return typeof target === "string" && names.includes(target) ? target : names[names.length - 1];
}

interface DrawJob {
  figure: PlotlyFigure;
  width: number;
  height: number;
  frame: string | null;
  quality: number;
}

/** Runs inside the page: draw (at the chosen frame), export a JPEG data URL, clean up. */
async function drawInPage({ figure, width, height, frame, quality }: DrawJob): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const Plotly = (window as any).Plotly;
  const options = { format: "png", width, height, scale: 1 };
  let png: string;
  if (frame === null) {
    // A still figure goes straight to toImage (which draws it once, off-page).
    png = await Plotly.toImage({ data: figure.data, layout: { ...figure.layout, width, height } }, options);
  } else {
    // An animated one is drawn and moved to its frame by plotly itself, then exported.
    const el = document.getElementById("plot") as HTMLElement;
    try {
      await Plotly.newPlot(el, { data: figure.data, layout: { ...figure.layout, width, height }, frames: figure.frames, config: { staticPlot: true } });
      await Plotly.animate(el, [frame], { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } });
      png = await Plotly.toImage(el, options);
    } finally {
      Plotly.purge(el);
    }
  }
  // plotly's own JPEG export has no quality setting: re-encode its PNG.
  const image = new Image();
  image.src = png;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
  ctx.fillStyle = "#fff"; // JPEG has no transparency
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, 0);
  return canvas.toDataURL("image/jpeg", quality);
}
