// A figure as HTML for a browser: `figureHtml` (a <div> and the script that
// draws it with plotly.js) and `saveHtml` (a standalone page that works
// offline, with plotly.js inlined once from node_modules — never a CDN URL).
// Notebooks never carry this HTML: `show` sends plotly JSON (see show.ts).
import * as fs from "node:fs";
import { Figure } from "./figure";

let plotlySource: string | null = null;

/** plotly.min.js from node_modules (plotly.js-dist-min), read once, with "</script" escaped so it can sit inside a <script>. */
export function plotlyScript(): string {
  if (plotlySource === null) {
    const file = require.resolve("plotly.js-dist-min");
    plotlySource = fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
  }
  return plotlySource;
}

/** plotly's config for every figure: fits its container, no plotly logo. */
export const plotConfig = { responsive: true, displaylogo: false };

/** Plain JSON with numbers shortened to 6 significant digits (notebooks stay small). */
export function toPlainJson(fig: Figure): Figure {
  return JSON.parse(JSON.stringify(fig, (_k, v) => (typeof v === "number" && Number.isFinite(v) ? Number(v.toPrecision(6)) : v)));
}

/** JSON safe inside a <script>: no "</script>" or "<!--" can appear. */
const scriptJson = (x: unknown): string => JSON.stringify(x).replace(/</g, "\\u003c");

let counter = 0;

/** A <div> and a script that draws the figure into it with the page's plotly.js (window.Plotly). */
export function figureHtml(fig: Figure): string {
  const plain = toPlainJson(fig);
  const id = `nnlab-plot-${process.pid}-${Date.now().toString(36)}-${++counter}`;
  const width = typeof plain.layout.width === "number" ? `${plain.layout.width}px` : "100%";
  const height = typeof plain.layout.height === "number" ? `${plain.layout.height}px` : "450px";
  const figure = { data: plain.data, layout: plain.layout, frames: plain.frames ?? [], config: plotConfig };
  return `<div id="${id}" class="nnlab-plot" style="width:${width};height:${height};"></div>
<script>(function () {
  var el = document.getElementById(${JSON.stringify(id)});
  if (!el) return;
  if (!window.Plotly) { el.textContent = "plotly.js is not loaded in this page."; return; }
  window.Plotly.newPlot(el, ${scriptJson(figure)});
})();</script>`;
}

/**
 * A standalone HTML page showing the figure — open it in any browser, offline.
 * plotly.js's UMD header would register with RequireJS if a page had it
 * instead of setting window.Plotly, so it runs with `define`, `module` and
 * `exports` hidden.
 */
export function saveHtml(fig: Figure, file: string): void {
  const title = figureTitle(fig).replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const library = `<script>/* plotly.js from node_modules/plotly.js-dist-min (no CDN) */\n(function (define, module, exports) {\n${plotlyScript()}\n}).call(window);\n</script>`;
  fs.writeFileSync(file, `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title>\n${library}\n</head>\n<body>\n${figureHtml(fig)}\n</body></html>\n`);
}

/** The figure's title text, or "untitled". */
export function figureTitle(fig: Figure): string {
  return (fig.layout.title as { text?: string } | undefined)?.text || "untitled";
}
