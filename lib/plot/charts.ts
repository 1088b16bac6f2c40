// Generic line and scatter charts, and the loss-curve figure built on them.
import { Matrix, shapeOf } from "../matrix";
import { Figure, FigureOptions, Trace, baseLayout, checkFinite, colorFor } from "./figure";

export interface Series {
  name: string;
  y: readonly number[];
  /** Defaults to 1, 2, …, y.length (e.g. epochs). */
  x?: readonly number[];
  dash?: "solid" | "dash" | "dot";
}

export interface LineChartOptions extends FigureOptions {
  xTitle?: string;
  yTitle?: string;
  logY?: boolean;
}

/** Several named series as lines on one pair of axes. */
export function lineChart(series: readonly Series[], opts: LineChartOptions = {}): Figure {
  if (series.length === 0) throw new RangeError("lineChart: give at least one series");
  const data: Trace[] = series.map((s, i) => {
    checkFinite(`lineChart: series "${s.name}"`, s.y);
    const x = s.x ?? s.y.map((_, k) => k + 1);
    if (x.length !== s.y.length) throw new RangeError(`lineChart: series "${s.name}" has ${x.length} x values and ${s.y.length} y values`);
    return {
      type: "scatter",
      mode: s.y.length > 60 ? "lines" : "lines+markers",
      name: s.name,
      x: [...x],
      y: [...s.y],
      line: { color: colorFor(i), dash: s.dash ?? "solid" },
    };
  });
  const layout = baseLayout(opts, { title: "" });
  layout.xaxis = { title: { text: opts.xTitle ?? "" } };
  layout.yaxis = { title: { text: opts.yTitle ?? "" }, type: opts.logY ? "log" : "linear" };
  return { data, layout };
}

export interface ScatterOptions extends FigureOptions {
  xTitle?: string;
  yTitle?: string;
  /** Legend name per class label, e.g. { 0: "negative", 1: "positive" }. */
  classNames?: Record<number, string>;
}

/**
 * Points of an N×2 matrix, one trace (and colour) per distinct label so the
 * legend lists the classes; without labels, one trace.
 */
export function scatterPlot(X: Matrix, labels?: readonly number[], opts: ScatterOptions = {}): Figure {
  if (X.cols !== 2) throw new RangeError(`scatterPlot: needs an N×2 matrix of points, got ${shapeOf(X)}`);
  checkFinite("scatterPlot: points", Array.from(X.data));
  if (labels && labels.length !== X.rows) throw new RangeError(`scatterPlot: ${X.rows} points but ${labels.length} labels`);
  const layout = baseLayout(opts, { title: "" });
  layout.xaxis = { title: { text: opts.xTitle ?? "x₀" } };
  layout.yaxis = { title: { text: opts.yTitle ?? "x₁" } };
  return { data: pointTraces(X, labels, opts.classNames), layout };
}

/** One marker trace per class (shared by scatterPlot and decisionBoundary). */
export function pointTraces(X: Matrix, labels?: readonly number[], classNames?: Record<number, string>): Trace[] {
  const classes = labels ? [...new Set(labels)].sort((a, b) => a - b) : [0];
  return classes.map((c, i) => {
    const rows = labels ? labels.flatMap((l, r) => (l === c ? [r] : [])) : Array.from({ length: X.rows }, (_, r) => r);
    return {
      type: "scatter",
      mode: "markers",
      name: labels ? classNames?.[c] ?? `class ${c}` : "points",
      x: rows.map((r) => X.data[r * 2]),
      y: rows.map((r) => X.data[r * 2 + 1]),
      marker: { color: colorFor(i), size: 6, line: { color: "white", width: 0.5 } },
    };
  });
}

export interface LossCurvesOptions extends LineChartOptions {
  /** Mark the epoch with the smallest validation loss (early stopping). Default true. */
  markBest?: boolean;
}

/**
 * Training (and validation) loss per epoch. With a validation curve the
 * epoch of its minimum is marked: that is where early stopping would keep
 * the weights, and the gap after it is overfitting.
 */
export function lossCurves(curves: { train: readonly number[]; validation?: readonly number[] }, opts: LossCurvesOptions = {}): Figure {
  if (curves.train.length === 0) throw new RangeError("lossCurves: the training curve is empty");
  const series: Series[] = [{ name: "train", y: curves.train }];
  if (curves.validation) series.push({ name: "validation", y: curves.validation });
  const fig = lineChart(series, { title: "Loss per epoch", xTitle: "epoch", yTitle: "loss", ...opts });
  if (curves.validation && curves.validation.length > 0 && opts.markBest !== false) {
    const v = curves.validation;
    const best = v.indexOf(Math.min(...v));
    fig.data.push({
      type: "scatter",
      mode: "markers",
      name: `best validation (epoch ${best + 1})`,
      x: [best + 1],
      y: [v[best]],
      marker: { symbol: "star", size: 14, color: "black" },
    });
  }
  return fig;
}
