// Displaying a figure. In a tslab notebook `show(fig)` sends ONE display_data
// message carrying:
//   application/vnd.plotly.v1+json  { data, layout, config[, frames] } — drawn
//                                   interactively by front ends with a plotly
//                                   renderer (JupyterLab with the jupyterlab-plotly
//                                   renderer the project installs, VS Code);
//   text/plain                      a one-line summary for text-only viewers.
// That is a few kilobytes per figure: no copy of plotly.js ever goes into a
// notebook. Viewers that run no JavaScript (GitHub, nbviewer, nbconvert) need
// a picture instead: `nnlab run` adds an image (JPEG) of each figure to this same
// bundle when it executes a notebook (tools/images), which a kernel cannot do.
// A standalone offline page with plotly.js inlined is `saveHtml` (html.ts).
// Outside tslab `show` prints the one-line summary instead.
import Module from "node:module";
import { Figure } from "./figure";
import { figureTitle, plotConfig, toPlainJson } from "./html";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export interface PlotlyJson {
  data: unknown[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
  frames?: unknown[];
}

export interface DisplayBundle {
  [PLOTLY_MIME]: PlotlyJson;
  "text/plain": string;
}

/** One line describing a figure: title, trace count and types. */
export function figureSummary(fig: Figure): string {
  const counts = new Map<string, number>();
  for (const t of fig.data) counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
  const types = [...counts].map(([t, c]) => (c > 1 ? `${t}×${c}` : t)).join(", ");
  const frames = fig.frames?.length ? `, ${fig.frames.length} animation frames` : "";
  return `[nnlab figure] "${figureTitle(fig)}": ${fig.data.length} trace${fig.data.length === 1 ? "" : "s"} (${types})${frames}`;
}

/** The MIME bundle `show` sends (exported so tests and other front ends can use it). */
export function displayBundle(fig: Figure): DisplayBundle {
  const plain = toPlainJson(fig);
  const plotly: PlotlyJson = { data: plain.data, layout: plain.layout, config: plotConfig };
  if (plain.frames && plain.frames.length > 0) plotly.frames = plain.frames;
  return { [PLOTLY_MIME]: plotly, "text/plain": figureSummary(fig) };
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

/**
 * Displays a figure: in tslab as plotly JSON (+ a text summary), one
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
  write({ data: { ...displayBundle(fig) }, metadata: {}, transient: {} }, false);
}
