// A fully connected network drawn from its unitsPerLayer, e.g. [2, 20, 40, 20, 1]:
// one column of nodes per layer, every node joined to every node of the
// next layer. Wide layers (784 inputs) are drawn with a few units and a "⋮".
import { Figure, FigureOptions, Trace, baseLayout, colorFor } from "./figure";

export interface NetworkDiagramOptions extends FigureOptions {
  /** Most units drawn per layer (default 10); wider layers show "⋮" and their size. */
  maxUnits?: number;
  /** A label under each layer; default "input", "hidden 1", …, "output". */
  layerNames?: string[];
}

const unitCount = (u: number) => (u === 1 ? "1 unit" : `${u} units`);

export function networkDiagram(unitsPerLayer: readonly number[], opts: NetworkDiagramOptions = {}): Figure {
  if (unitsPerLayer.length < 2) throw new RangeError(`networkDiagram: need at least an input and an output layer, got [${unitsPerLayer}]`);
  unitsPerLayer.forEach((u, l) => {
    if (!Number.isInteger(u) || u < 1) throw new RangeError(`networkDiagram: layer ${l} has ${u} units; every layer needs a positive integer`);
  });
  const maxUnits = opts.maxUnits ?? 10;
  if (!Number.isInteger(maxUnits) || maxUnits < 3) throw new RangeError(`networkDiagram: maxUnits must be an integer ≥ 3, got ${maxUnits}`);
  const last = unitsPerLayer.length - 1;
  const names = opts.layerNames ?? unitsPerLayer.map((_, l) => (l === 0 ? "input" : l === last ? "output" : `hidden ${l}`));

  // y positions of the drawn units of each layer (null marks the "⋮" gap).
  const columns = unitsPerLayer.map((u) => drawnUnits(u, maxUnits));
  const edgeX: (number | null)[] = [], edgeY: (number | null)[] = [];
  for (let l = 0; l < last; l++) {
    for (const y0 of columns[l]) for (const y1 of columns[l + 1]) {
      if (y0 === null || y1 === null) continue;
      edgeX.push(l, l + 1, null);
      edgeY.push(y0, y1, null);
    }
  }
  const data: Trace[] = [{
    type: "scatter", mode: "lines", x: edgeX, y: edgeY, name: "weights",
    line: { color: "rgba(120,120,120,0.35)", width: 1 }, hoverinfo: "skip", showlegend: false,
  }];
  columns.forEach((ys, l) => {
    const shown = ys.filter((y): y is number => y !== null);
    data.push({
      type: "scatter", mode: "markers", name: names[l], x: shown.map(() => l), y: shown,
      marker: { size: 18, color: colorFor(l === 0 ? 0 : l === last ? 1 : 2), line: { color: "black", width: 1 } },
      hovertext: shown.map(() => `${names[l]}: ${unitCount(unitsPerLayer[l])}`), hoverinfo: "text", showlegend: false,
    });
  });
  const annotations: Record<string, unknown>[] = [];
  columns.forEach((ys, l) => {
    const gap = ys.indexOf(null);
    if (gap >= 0) annotations.push({ x: l, y: (ys[gap - 1]! + ys[gap + 1]!) / 2, text: "⋮", showarrow: false, font: { size: 22 } });
    annotations.push({ x: l, y: -0.5 - Math.min(maxUnits, unitsPerLayer[l]) / 2, text: `${names[l]}<br>${unitCount(unitsPerLayer[l])}`, showarrow: false, yanchor: "top" });
  });
  const layout = baseLayout(opts, { title: `Network ${unitsPerLayer.join("→")}`, width: 140 * unitsPerLayer.length + 160, height: 460 });
  layout.xaxis = { visible: false, range: [-0.5, last + 0.5] };
  layout.yaxis = { visible: false, range: [-maxUnits / 2 - 2, maxUnits / 2 + 1] };
  layout.annotations = annotations;
  layout.showlegend = false;
  return { data, layout };
}

/**
 * Vertical positions, centred on 0, of the units drawn for a layer of u
 * units: all of them when u ≤ max, otherwise the first and last few with a
 * null in between where the "⋮" goes.
 */
function drawnUnits(u: number, max: number): (number | null)[] {
  const slots = Math.min(u, max);
  const ys = Array.from({ length: slots }, (_, i) => (slots - 1) / 2 - i);
  if (u <= max) return ys;
  const gap = Math.floor(slots / 2);
  return ys.map((y, i) => (i === gap ? null : y));
}
