// Displaying a figure. In a tslab notebook `show(fig)` sends ONE display_data
// message carrying the figure twice:
//   application/vnd.plotly.v1+json  { data, layout, config } — for front ends
//                                   with a plotly renderer;
//   text/html                       a <div> and a script calling Plotly.newPlot —
//                                   what JupyterLab shows without that renderer;
//   text/plain                      a one-line summary for text-only viewers.
// The HTML must work offline, so plotly.js is read from node_modules
// (plotly.js-dist-min) and inlined — never a CDN URL. It is ~4.5 MB, so only
// the first figure of a kernel session carries it: its script defines
// window.Plotly in the page, and every later figure's HTML just checks for
// window.Plotly and draws. (Re-running the first figure's cell in a fresh page
// after clearing its output is the one case where later HTML figures show a
// note instead; restarting the kernel re-inlines.)
// Setting NNLAB_INLINE_PLOTLY=0 leaves plotly.js out of every figure (e.g. for
// notebooks committed to git and opened in JupyterLab, whose plotly renderer
// uses the JSON; the HTML then shows a note instead of the chart).
// Outside tslab `show` prints a one-line summary instead.
import * as fs from "node:fs";
import Module from "node:module";
import { Figure } from "./figure";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export interface DisplayBundle {
  [PLOTLY_MIME]: { data: unknown[]; layout: Record<string, unknown>; config: Record<string, unknown>; frames?: unknown[] };
  "text/html": string;
  "text/plain": string;
}

/** One line describing a figure: title, trace count and types. */
export function figureSummary(fig: Figure): string {
  const title = (fig.layout.title as { text?: string } | undefined)?.text || "untitled";
  const counts = new Map<string, number>();
  for (const t of fig.data) counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
  const types = [...counts].map(([t, c]) => (c > 1 ? `${t}×${c}` : t)).join(", ");
  const frames = fig.frames?.length ? `, ${fig.frames.length} animation frames` : "";
  return `[nnlab figure] "${title}": ${fig.data.length} trace${fig.data.length === 1 ? "" : "s"} (${types})${frames}`;
}

// ---------------------------------------------------------------- plotly.js source

let plotlySource: string | null = null;

/** plotly.min.js from node_modules, read once, with "</script" escaped so it can sit inside a <script>. */
export function plotlyScript(): string {
  if (plotlySource === null) {
    const file = require.resolve("plotly.js-dist-min");
    plotlySource = fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
  }
  return plotlySource;
}

// ---------------------------------------------------------------- HTML

const plotConfig = { responsive: true, displaylogo: false };
let counter = 0;

/** Plain JSON with numbers shortened to 6 significant digits (notebooks stay small). */
function toPlainJson(fig: Figure): Figure {
  return JSON.parse(JSON.stringify(fig, (_k, v) => (typeof v === "number" && Number.isFinite(v) ? Number(v.toPrecision(6)) : v)));
}

/** JSON safe inside a <script>: no "</script>" or "<!--" can appear. */
const scriptJson = (x: unknown): string => JSON.stringify(x).replace(/</g, "\\u003c");

/**
 * The HTML fallback for one figure. With `inlinePlotly` it also carries
 * plotly.js itself, guarded by `if (!window.Plotly)` so that running it twice
 * in one page loads plotly once. plotly.js's UMD header would register with
 * RequireJS (classic Notebook) instead of setting window.Plotly, so it runs
 * with `define`, `module` and `exports` hidden.
 */
export function figureHtml(fig: Figure, opts: { inlinePlotly: boolean }): string {
  const plain = toPlainJson(fig);
  const id = `nnlab-plot-${process.pid}-${Date.now().toString(36)}-${++counter}`;
  const width = typeof plain.layout.width === "number" ? `${plain.layout.width}px` : "100%";
  const height = typeof plain.layout.height === "number" ? `${plain.layout.height}px` : "450px";
  const parts = [`<div id="${id}" class="nnlab-plot" style="width:${width};height:${height};"></div>`];
  if (opts.inlinePlotly) {
    parts.push(
      "<script>/* plotly.js from node_modules/plotly.js-dist-min, inlined once per kernel session (no CDN) */\n" +
        "if (!window.Plotly) { (function (define, module, exports) {\n" + plotlyScript() + "\n}).call(window); }\n</script>",
    );
  }
  const figure = { data: plain.data, layout: plain.layout, frames: plain.frames ?? [], config: plotConfig };
  parts.push(
    `<script>(function () {
  var el = document.getElementById(${JSON.stringify(id)});
  if (!el) return;
  if (!window.Plotly) { el.textContent = "plotly.js is not loaded in this page: re-run the notebook's first figure cell (or restart the kernel and run all)."; return; }
  window.Plotly.newPlot(el, ${scriptJson(figure)});
})();</script>`,
  );
  return parts.join("\n");
}

/** The MIME bundle `show` sends (exported so tests and other front ends can use it). */
export function displayBundle(fig: Figure, opts: { inlinePlotly?: boolean } = {}): DisplayBundle {
  const plain = toPlainJson(fig);
  const plotly: DisplayBundle[typeof PLOTLY_MIME] = { data: plain.data, layout: plain.layout, config: plotConfig };
  if (plain.frames && plain.frames.length > 0) plotly.frames = plain.frames;
  return {
    [PLOTLY_MIME]: plotly,
    "text/html": figureHtml(fig, { inlinePlotly: opts.inlinePlotly ?? true }),
    "text/plain": figureSummary(fig),
  };
}

/** A standalone HTML page (plotly inlined) showing the figure — open it in any browser, offline. */
export function saveHtml(fig: Figure, file: string): void {
  const title = figureSummary(fig).replace(/</g, "&lt;");
  fs.writeFileSync(file, `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n${figureHtml(fig, { inlinePlotly: true })}\n</body></html>\n`);
}

// ---------------------------------------------------------------- tslab

type WriteDisplayData = (message: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/**
 * tslab's public `display.raw(type, value)` sends one MIME type per message,
 * so we use what it uses underneath: `lastWriteDisplayData` of tslab's
 * jupyter module, which the kernel sets before running each cell. We look
 * for it among already-loaded modules (never loading tslab ourselves, which
 * would start nothing useful outside a kernel), so it is the kernel's own
 * copy of tslab whichever install it runs from.
 */
function tslabWriter(): WriteDisplayData | null {
  const cache = (Module as unknown as { _cache: Record<string, { exports?: { lastWriteDisplayData?: unknown } } | undefined> })._cache;
  for (const [file, mod] of Object.entries(cache)) {
    if (/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file) && typeof mod?.exports?.lastWriteDisplayData === "function") {
      return mod.exports.lastWriteDisplayData as WriteDisplayData;
    }
  }
  return null;
}

/** The notebook sessions that already received plotly.js (tslab sets one __tslab__ object per executor). */
const sessionsWithPlotly = new WeakSet<object>();
let processHasPlotly = false;

function needsPlotly(): boolean {
  if (process.env.NNLAB_INLINE_PLOTLY === "0") return false;
  const session = (globalThis as { __tslab__?: object }).__tslab__;
  if (session) {
    if (sessionsWithPlotly.has(session)) return false;
    sessionsWithPlotly.add(session);
    return true;
  }
  const first = !processHasPlotly;
  processHasPlotly = true;
  return first;
}

/**
 * Displays a figure: in tslab as plotly JSON + offline HTML (+ text), one
 * display_data message; anywhere else as a one-line summary on stdout.
 */
export function show(fig: Figure): void {
  if (!fig || !Array.isArray(fig.data) || typeof fig.layout !== "object") {
    throw new TypeError("show: expected a figure { data: [...], layout: {...} } from one of nnlab's plot builders");
  }
  const write = tslabWriter();
  if (write === null) {
    console.log(figureSummary(fig));
    return;
  }
  const bundle = displayBundle(fig, { inlinePlotly: needsPlotly() });
  write({ data: { ...bundle }, metadata: {}, transient: {} }, false);
}
