// Losses on the probability simplex of a 3-class problem. Every point of the
// triangle is a probability triple (p₀, p₁, p₂) with p₀ + p₁ + p₂ = 1: the
// corners are certainty in one class, the centre (1/3, 1/3, 1/3) is a coin
// toss. Colour shows the loss when the true label is `label`:
//   logistic (cross-entropy)  −log p_label   smooth, grows without bound near p_label = 0
//   zero-one                  0 if p_label is the largest probability, else 1   flat, so no gradient
// Drawn with plotly's ternary axes (a = p₀, b = p₁, c = p₂).
import { Figure, FigureOptions, Trace, baseLayout, checkFinite } from "./figure";

export type SimplexLoss = "logistic" | "zero_one";

export interface SimplexOptions extends FigureOptions {
  /** The true class, 0, 1 or 2 (default 0). */
  label?: number;
  /** One panel per loss, side by side (default both). */
  losses?: readonly SimplexLoss[];
  /** Grid divisions per side (default 30). */
  resolution?: number;
  /** Probability triples to mark, e.g. a model's softmax outputs. */
  points?: readonly (readonly number[])[];
}

/** The loss of predicting probabilities p for true class `label`. −log 0 is capped at −log(eps). */
export function simplexLoss(loss: SimplexLoss, p: readonly number[], label: number, eps = 1e-3): number {
  if (loss === "logistic") return Math.log(1 / Math.max(p[label], eps)); // (not −log, which gives −0 at p = 1)
  return p[label] >= Math.max(...p) ? 0 : 1; // ties count as correct
}

export function simplexPlot(opts: SimplexOptions = {}): Figure {
  const label = opts.label ?? 0;
  if (![0, 1, 2].includes(label)) throw new RangeError(`simplexPlot: label must be 0, 1 or 2, got ${label}`);
  const kinds = opts.losses ?? ["logistic", "zero_one"];
  if (kinds.length === 0) throw new RangeError("simplexPlot: choose at least one loss");
  const n = opts.resolution ?? 30;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`simplexPlot: resolution must be an integer ≥ 2, got ${n}`);
  (opts.points ?? []).forEach((p, i) => {
    checkFinite(`simplexPlot: point ${i}`, [...p]);
    if (p.length !== 3 || p.some((v) => v < 0) || Math.abs(p[0] + p[1] + p[2] - 1) > 1e-6) {
      throw new RangeError(`simplexPlot: point ${i} = [${p}] is not a probability triple (3 values ≥ 0 summing to 1)`);
    }
  });

  // Grid (i, j, n − i − j)/n covering the whole triangle.
  const grid: number[][] = [];
  for (let i = 0; i <= n; i++) for (let j = 0; j <= n - i; j++) grid.push([i / n, j / n, (n - i - j) / n]);
  const eps = 1 / (2 * n);

  const data: Trace[] = [];
  const layout = baseLayout(opts, { title: `Losses on the 3-class simplex (true class ${label})`, width: 420 * kinds.length + 80, height: 480 });
  const names: Record<SimplexLoss, string> = { logistic: "logistic loss −log p_y", zero_one: "zero-one loss" };
  kinds.forEach((kind, panel) => {
    const subplot = panel === 0 ? "ternary" : `ternary${panel + 1}`;
    const width = 1 / kinds.length;
    const values = grid.map((p) => simplexLoss(kind, p, label, eps));
    data.push({
      type: "scatterternary", mode: "markers", subplot, name: names[kind],
      a: grid.map((p) => p[0]), b: grid.map((p) => p[1]), c: grid.map((p) => p[2]),
      marker: {
        symbol: "hexagon", size: Math.max(4, 300 / n), color: values, colorscale: "YlOrRd", reversescale: true, cmin: 0,
        colorbar: { x: (panel + 1) * width - 0.02, len: 0.7, thickness: 12 },
      },
      text: values.map((v) => v.toFixed(3)), hovertemplate: "p=(%{a:.2f}, %{b:.2f}, %{c:.2f})<br>loss %{text}<extra></extra>",
    });
    if (opts.points && opts.points.length > 0) {
      data.push({
        type: "scatterternary", mode: "markers", subplot, name: "points", showlegend: panel === 0,
        a: opts.points.map((p) => p[0]), b: opts.points.map((p) => p[1]), c: opts.points.map((p) => p[2]),
        marker: { color: "black", size: 8, symbol: "x" },
      });
    }
    layout[subplot] = {
      sum: 1,
      domain: { x: [panel * width + 0.02, (panel + 1) * width - 0.1], y: [0, 0.85] },
      aaxis: { title: { text: "p₀" } }, baxis: { title: { text: "p₁" } }, caxis: { title: { text: "p₂" } },
    };
  });
  layout.annotations = kinds.map((kind, panel) => ({
    text: names[kind], showarrow: false, xref: "paper", yref: "paper", x: (panel + 0.45) / kinds.length, y: 1.0, xanchor: "center",
  }));
  layout.showlegend = false;
  return { data, layout };
}
