// What a figure is: plain plotly.js JSON, `{ data, layout }`, nothing else.
//
// Keeping figures as plain data (no plotly object, no DOM) means a builder can
// be unit-tested in Node, a figure can be saved in a notebook as JSON, and
// the same object renders in JupyterLab, in a browser or in a test page.

/** One plotly trace, e.g. `{ type: "scatter", x: [...], y: [...] }`. */
export interface Trace {
  type: string;
  [key: string]: unknown;
}

/** One animation frame: the traces (by index) that change at this step. */
export interface Frame {
  name: string;
  data: Trace[];
  traces?: number[];
}

export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
  frames?: Frame[];
}

/** Options most builders accept. */
export interface FigureOptions {
  title?: string;
  width?: number;
  height?: number;
}

/** The layout keys every builder sets the same way. */
export function baseLayout(opts: FigureOptions, defaults: { title: string; width?: number; height?: number }): Record<string, unknown> {
  return {
    title: { text: opts.title ?? defaults.title },
    width: opts.width ?? defaults.width ?? 640,
    height: opts.height ?? defaults.height ?? 420,
    margin: { l: 60, r: 30, t: 60, b: 50 },
  };
}

/** A qualitative palette (one colour per class / series), repeated if needed. */
export const palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
export const colorFor = (i: number): string => palette[i % palette.length];

/** Throws a clear error unless every value is a finite number. */
export function checkFinite(what: string, values: readonly number[]): void {
  values.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`${what}: value ${i} is ${v}, expected a finite number`);
  });
}
