// Decision boundary of a 2-D classifier: evaluate it on a grid that covers
// the data, colour the plane by its output, and draw the points on top.
import { Matrix, argmaxRows, shapeOf } from "../matrix";
import { pointTraces } from "./charts";
import { Figure, FigureOptions, Trace, baseLayout, checkFinite, colorFor } from "./figure";
import { linspace } from "../linspace";

export interface DecisionBoundaryOptions extends FigureOptions {
  /** Grid points per axis (default 80). */
  resolution?: number;
  /** Margin around the data, as a fraction of its range (default 0.1). */
  padding?: number;
  /**
   * Level of the boundary line for a one-column output. Default: 0.5 when
   * every output lies in [0, 1] (probabilities, 0/1 labels), else 0
   * (decision function, ±1 labels). `null` draws no line.
   */
  threshold?: number | null;
  classNames?: Record<number, string>;
}

/**
 * `predict` receives an M×2 matrix of grid points and returns either M×1
 * (a score, a probability or a label: drawn as a shaded surface with the
 * boundary line) or M×k class scores (drawn as the region of the argmax).
 */
export function decisionBoundary(
  predict: (grid: Matrix) => Matrix,
  X: Matrix,
  y: Matrix | readonly number[],
  opts: DecisionBoundaryOptions = {},
): Figure {
  if (X.cols !== 2) throw new RangeError(`decisionBoundary: needs N×2 inputs (a 2-D classifier), got ${shapeOf(X)}`);
  if (X.rows === 0) throw new RangeError("decisionBoundary: no points to draw");
  checkFinite("decisionBoundary: inputs", Array.from(X.data));
  const labels = y instanceof Matrix ? Array.from(y.data) : [...y];
  if (labels.length !== X.rows) throw new RangeError(`decisionBoundary: ${X.rows} points but ${labels.length} labels`);

  const n = opts.resolution ?? 80;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`decisionBoundary: resolution must be an integer ≥ 2, got ${n}`);
  const [xs, ys] = [0, 1].map((j) => {
    const col = X.sliceCols(j, j + 1).data;
    const lo = Math.min(...col), hi = Math.max(...col);
    const pad = (hi - lo || 1) * (opts.padding ?? 0.1);
    return linspace(lo - pad, hi + pad, n);
  });
  // Row iy·n + ix of the grid is the point (xs[ix], ys[iy]): plotly's z[iy][ix].
  const grid = Matrix.fromFunction(n * n, 2, (r, j) => (j === 0 ? xs[r % n] : ys[Math.floor(r / n)]));
  const out = predict(grid);
  if (out.rows !== n * n) throw new RangeError(`decisionBoundary: predict returned ${out.rows} rows for ${n * n} grid points`);
  checkFinite("decisionBoundary: predictions", Array.from(out.data));

  const surface: Trace[] = [];
  if (out.cols === 1) {
    const z = rowsOf(Array.from(out.data), n);
    const allUnit = out.data.every((v) => v >= 0 && v <= 1);
    const threshold = opts.threshold === undefined ? (allUnit ? 0.5 : 0) : opts.threshold;
    surface.push({
      type: "contour", x: xs, y: ys, z, name: "output",
      colorscale: [[0, "#c6dbef"], [0.5, "#ffffff"], [1, "#fcbba1"]],
      contours: { coloring: "heatmap" }, line: { width: 0 }, opacity: 0.8,
      colorbar: { title: { text: "output" } }, hoverinfo: "x+y+z",
    });
    if (threshold !== null) {
      surface.push({
        type: "contour", x: xs, y: ys, z, name: `boundary (${threshold})`, showscale: false, hoverinfo: "skip",
        contours: { coloring: "lines", start: threshold, end: threshold, size: 1 },
        colorscale: [[0, "black"], [1, "black"]], line: { width: 2.5 },
      });
    }
  } else {
    // Colour each grid point by the predicted class, with the classes' palette colours.
    const k = out.cols;
    const classes = argmaxRows(out);
    const colorscale = Array.from({ length: k }, (_, c) => [k === 1 ? 0 : c / (k - 1), colorFor(c)]);
    surface.push({
      type: "heatmap", x: xs, y: ys, z: rowsOf(classes, n), name: "predicted class",
      zmin: 0, zmax: k - 1, colorscale, opacity: 0.3, showscale: false, hoverinfo: "x+y+z",
    });
  }
  const layout = baseLayout(opts, { title: "Decision boundary", width: 560, height: 500 });
  layout.xaxis = { title: { text: "x₀" }, range: [xs[0], xs[n - 1]] };
  layout.yaxis = { title: { text: "x₁" }, range: [ys[0], ys[n - 1]] };
  layout.legend = { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" };
  return { data: [...surface, ...pointTraces(X, labels, opts.classNames)], layout };
}

/** Cuts a flat row-major list into rows of length n (plotly's z layout). */
function rowsOf(values: readonly number[], n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += n) out.push(values.slice(i, i + n));
  return out;
}
