// The activation functions σ(a) (solid) and their derivatives σ'(a) (dashed),
// computed by the library's own activations so the picture is the code.
import { ActivationName, getActivation } from "../activations";
import { Matrix } from "../matrix";
import { Figure, FigureOptions, Trace, baseLayout, colorFor } from "./figure";
import { linspace } from "../linspace";

export interface ActivationPlotOptions extends FigureOptions {
  /** Range of the pre-activation a (default [−4, 4]). */
  range?: [number, number];
  /** Also draw σ'(a), dashed (default true). */
  derivatives?: boolean;
}

/** Draws the named activations; by default the hidden-layer ones (relu, sigmoid, tanh). */
export function activationPlot(
  names: readonly ActivationName[] = ["relu", "sigmoid", "tanh"],
  opts: ActivationPlotOptions = {},
): Figure {
  if (names.length === 0) throw new RangeError("activationPlot: name at least one activation");
  const [lo, hi] = opts.range ?? [-4, 4];
  if (!(lo < hi)) throw new RangeError(`activationPlot: range [${lo}, ${hi}] is empty`);
  const a = Matrix.column(linspace(lo, hi, 201));
  const data: Trace[] = [];
  names.forEach((name, i) => {
    const act = getActivation(name);
    const line = (y: Matrix, label: string, dash: string): Trace => ({
      type: "scatter", mode: "lines", name: label, x: Array.from(a.data), y: Array.from(y.data),
      line: { color: colorFor(i), dash, width: 2 }, legendgroup: name,
    });
    data.push(line(act.forward(a), name, "solid"));
    if (opts.derivatives !== false) data.push(line(act.derivative(a), `${name}′`, "dash"));
  });
  const layout = baseLayout(opts, { title: "Activation functions σ(a) and derivatives σ′(a)" });
  layout.xaxis = { title: { text: "pre-activation a" }, zeroline: true };
  layout.yaxis = { title: { text: "σ(a), σ′(a)" }, zeroline: true };
  return { data, layout };
}
