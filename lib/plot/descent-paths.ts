// Gradient-descent paths drawn over the contours of a 2-D surface — by
// default the notes' z = x² + 3·sin(y), which has a valley at every
// y = −π/2 + 2πk, so where descent ends depends on where it starts and on the
// step size. A slider (and a play button) replays the paths step by step.
import { Figure, FigureOptions, Frame, Trace, baseLayout, checkFinite, colorFor } from "./figure";
import { linspace } from "../linspace";

export type Point2 = readonly [number, number];

export interface Surface {
  f(x: number, y: number): number;
  gradient?(x: number, y: number): [number, number];
  formula?: string;
}

/** The notes' surface z = x² + 3·sin(y) and its gradient [2x, 3·cos(y)]. */
export const notesSurface: Required<Surface> = {
  formula: "z = x² + 3·sin(y)",
  f: (x, y) => x * x + 3 * Math.sin(y),
  gradient: (x, y) => [2 * x, 3 * Math.cos(y)],
};

/** `steps` plain gradient steps p ← p − α·∇z(p) from `start`; returns steps + 1 points. */
export function gradientDescentPath(
  start: Point2,
  learningRate: number,
  steps: number,
  gradient: (x: number, y: number) => [number, number] = notesSurface.gradient,
): [number, number][] {
  if (!(learningRate > 0)) throw new RangeError(`gradientDescentPath: learning rate must be > 0, got ${learningRate}`);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`gradientDescentPath: steps must be a non-negative integer, got ${steps}`);
  const path: [number, number][] = [[start[0], start[1]]];
  for (let t = 0; t < steps; t++) {
    const [x, y] = path[t];
    const [gx, gy] = gradient(x, y);
    path.push([x - learningRate * gx, y - learningRate * gy]);
  }
  return path;
}

export interface DescentPath {
  name: string;
  points: readonly Point2[];
}

export interface DescentPathsOptions extends FigureOptions {
  xRange?: [number, number];
  yRange?: [number, number];
  /** Grid points per axis for the contours (default 90). */
  resolution?: number;
}

export function descentPaths(paths: readonly DescentPath[], surface: Surface = notesSurface, opts: DescentPathsOptions = {}): Figure {
  if (paths.length === 0) throw new RangeError("descentPaths: give at least one path");
  paths.forEach((p) => {
    if (p.points.length === 0) throw new RangeError(`descentPaths: path "${p.name}" has no points`);
    checkFinite(`descentPaths: path "${p.name}"`, p.points.flat());
  });
  // The plotted window: the given ranges, else [−3, 3]×[−5, 5] widened to hold every path.
  const all = paths.flatMap((p) => p.points);
  const span = (j: 0 | 1, lo: number, hi: number): [number, number] => [
    Math.min(lo, ...all.map((p) => p[j] - 0.5)),
    Math.max(hi, ...all.map((p) => p[j] + 0.5)),
  ];
  const [x0, x1] = opts.xRange ?? span(0, -3, 3);
  const [y0, y1] = opts.yRange ?? span(1, -5, 5);
  const n = opts.resolution ?? 90;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`descentPaths: resolution must be an integer ≥ 2, got ${n}`);
  const xs = linspace(x0, x1, n), ys = linspace(y0, y1, n);
  const z = ys.map((y) => xs.map((x) => surface.f(x, y)));

  const contour: Trace = {
    type: "contour", x: xs, y: ys, z, name: surface.formula ?? "surface", colorscale: "Viridis", ncontours: 25,
    contours: { coloring: "heatmap" }, opacity: 0.85, colorbar: { title: { text: "z" } }, hoverinfo: "x+y+z",
  };
  const pathTrace = (p: DescentPath, i: number, upTo: number): Trace => ({
    type: "scatter", mode: "lines+markers", name: p.name,
    x: p.points.slice(0, upTo).map((q) => q[0]), y: p.points.slice(0, upTo).map((q) => q[1]),
    line: { color: colorFor(i + 1), width: 2 }, marker: { size: 5, color: colorFor(i + 1) },
  });
  const data = [contour, ...paths.map((p, i) => pathTrace(p, i, p.points.length))];

  // Frame t shows the first t steps of every path (t + 1 points).
  const steps = Math.max(...paths.map((p) => p.points.length)) - 1;
  const traceIndices = paths.map((_, i) => i + 1);
  const frames: Frame[] = [];
  for (let t = 0; t <= steps; t++) {
    frames.push({ name: `step ${t}`, data: paths.map((p, i) => pathTrace(p, i, t + 1)), traces: traceIndices });
  }
  const still = { mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 } };
  const layout = baseLayout(opts, { title: `Gradient descent on ${surface.formula ?? "a surface"}`, width: 640, height: 560 });
  layout.xaxis = { title: { text: "x" }, range: [x0, x1] };
  layout.yaxis = { title: { text: "y" }, range: [y0, y1] };
  layout.legend = { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" };
  layout.margin = { l: 60, r: 30, t: 90, b: 50 };
  layout.sliders = [{
    active: steps, pad: { t: 40 }, currentvalue: { prefix: "" },
    steps: frames.map((f) => ({ label: f.name.replace("step ", ""), method: "animate", args: [[f.name], still] })),
  }];
  layout.updatemenus = [{
    type: "buttons", showactive: false, x: 0, y: -0.08, xanchor: "right", yanchor: "top", pad: { t: 40, r: 10 },
    buttons: [{ label: "▶", method: "animate", args: [null, { ...still, frame: { duration: 120, redraw: false }, fromcurrent: false }] }],
  }];
  return { data, layout, frames };
}
