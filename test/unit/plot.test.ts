import fs from "node:fs";
import Module from "node:module";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  Figure,
  MLP,
  Matrix,
  PLOTLY_MIME,
  activationPlot,
  decisionBoundary,
  descentPaths,
  displayBundle,
  figureHtml,
  figureSummary,
  gradientDescentPath,
  lineChart,
  lossCurves,
  networkDiagram,
  notesSurface,
  saveHtml,
  scatterPlot,
  show,
  simplexLoss,
  simplexPlot,
} from "nnlab";

/** Every trace has a type and only JSON values (what plotly and a notebook file can hold). */
function expectPlainFigure(fig: Figure): void {
  expect(Array.isArray(fig.data)).toBe(true);
  expect(fig.data.length).toBeGreaterThan(0);
  for (const t of fig.data) expect(typeof t.type).toBe("string");
  expect(JSON.parse(JSON.stringify(fig))).toEqual(fig);
}

const points = Matrix.fromRows([[0, 0], [1, 0], [0, 1], [1, 1]]);

describe("figure builders", () => {
  it("lossCurves draws train and validation per epoch and marks the best validation epoch", () => {
    const fig = lossCurves({ train: [1, 0.5, 0.3, 0.2], validation: [1.1, 0.7, 0.6, 0.65] });
    expectPlainFigure(fig);
    expect(fig.data.map((t) => t.name)).toEqual(["train", "validation", "best validation (epoch 3)"]);
    expect(fig.data[0].x).toEqual([1, 2, 3, 4]);
    expect(fig.data[2].y).toEqual([0.6]);
    expect(lossCurves({ train: [2, 1] }).data).toHaveLength(1);
    expect(() => lossCurves({ train: [] })).toThrow(/empty/);
    expect(() => lossCurves({ train: [1, NaN] })).toThrow(/value 1 is NaN/);
  });

  it("lineChart and scatterPlot check their input", () => {
    expectPlainFigure(lineChart([{ name: "a", y: [1, 2], x: [0, 5] }], { logY: true }));
    expect(() => lineChart([{ name: "a", y: [1, 2], x: [0] }])).toThrow(/1 x values and 2 y values/);
    const s = scatterPlot(points, [0, 1, 1, 0]);
    expect(s.data.map((t) => t.name)).toEqual(["class 0", "class 1"]);
    expect(s.data[1].x).toEqual([1, 0]);
    expect(() => scatterPlot(Matrix.zeros(3, 3))).toThrow(/N×2/);
  });

  it("decisionBoundary evaluates the classifier on a grid covering the data", () => {
    let gridRows = 0;
    const fig = decisionBoundary((G) => {
      gridRows = G.rows;
      return Matrix.fromFunction(G.rows, 1, (i) => G.get(i, 0) + G.get(i, 1) - 1); // boundary x0 + x1 = 1
    }, points, Matrix.column([0, 0, 0, 1]), { resolution: 20 });
    expectPlainFigure(fig);
    expect(gridRows).toBe(400);
    const [surface, boundary, ...classes] = fig.data as Array<Record<string, any>>;
    expect(surface.type).toBe("contour");
    expect(surface.z).toHaveLength(20);
    expect(surface.z[0]).toHaveLength(20);
    // z[iy][ix] is the output at (x[ix], y[iy]).
    expect(surface.z[3][7]).toBeCloseTo(surface.x[7] + surface.y[3] - 1, 12);
    expect(surface.x[0]).toBeLessThan(0);
    expect(surface.x[19]).toBeGreaterThan(1);
    expect(boundary.contours.start).toBe(0); // scores on both sides of 0: boundary at 0
    expect(classes.map((t) => t.name)).toEqual(["class 0", "class 1"]);
  });

  it("decisionBoundary shows class regions for multi-class scores, with a real MLP", () => {
    const mlp = new MLP({ unitsPerLayer: [2, 5, 3], seed: 1 });
    const fig = decisionBoundary((G) => mlp.decisionFunction(G), points, [0, 1, 2, 1], { resolution: 10 });
    const heat = fig.data[0] as Record<string, any>;
    expect(heat.type).toBe("heatmap");
    expect(new Set(heat.z.flat()).size).toBeGreaterThan(0);
    expect(heat.z.flat().every((c: number) => [0, 1, 2].includes(c))).toBe(true);
    expect(() => decisionBoundary(() => Matrix.zeros(3, 1), points, [0, 1, 0, 1])).toThrow(/returned 3 rows/);
    expect(() => decisionBoundary((G) => G, points, [0, 1])).toThrow(/4 points but 2 labels/);
  });

  it("networkDiagram draws every edge of a small network and caps wide layers", () => {
    const small = networkDiagram([2, 3, 1]);
    expectPlainFigure(small);
    const edges = small.data[0] as Record<string, any>;
    expect(edges.x.filter((v: number | null) => v === null)).toHaveLength(2 * 3 + 3 * 1);
    expect(small.data.slice(1).map((t) => (t.y as number[]).length)).toEqual([2, 3, 1]);

    const wide = networkDiagram([784, 100, 10], { maxUnits: 8 });
    expect(wide.data.slice(1).map((t) => (t.y as number[]).length)).toEqual([7, 7, 7]);
    const notes = (wide.layout.annotations as Array<{ text: string }>).map((a) => a.text);
    expect(notes.filter((t) => t === "⋮")).toHaveLength(3);
    expect(notes).toContain("input<br>784 units");
    expect(() => networkDiagram([3, 0, 1])).toThrow(/layer 1 has 0 units/);
    expect(() => networkDiagram([3])).toThrow(/at least an input and an output/);
  });

  it("activationPlot uses the library's activations and their derivatives", () => {
    const fig = activationPlot(["relu", "sigmoid"], { range: [-2, 2] });
    expectPlainFigure(fig);
    expect(fig.data.map((t) => t.name)).toEqual(["relu", "relu′", "sigmoid", "sigmoid′"]);
    const sig = fig.data[2] as Record<string, any>, dsig = fig.data[3] as Record<string, any>;
    const mid = sig.x.indexOf(0);
    expect(sig.y[mid]).toBeCloseTo(0.5, 12);
    expect(dsig.y[mid]).toBeCloseTo(0.25, 12);
    expect(() => activationPlot(["swish" as "relu"])).toThrow(/unknown activation "swish"/);
  });

  it("descentPaths draws z = x² + 3 sin y with paths and one animation frame per step", () => {
    expect(notesSurface.f(1, Math.PI / 2)).toBeCloseTo(4, 12);
    expect(notesSurface.gradient(1, 0)).toEqual([2, 3]);
    const path = gradientDescentPath([2, 1], 0.1, 30);
    expect(path).toHaveLength(31);
    expect(path[1][0]).toBeCloseTo(2 - 0.1 * 4, 12);
    const last = path[30];
    expect(Math.abs(last[0])).toBeLessThan(0.01); // x → 0
    expect(last[1]).toBeCloseTo(-Math.PI / 2, 1); // the valley of sin at y = −π/2
    const fig = descentPaths([{ name: "α = 0.1", points: path }, { name: "short", points: path.slice(0, 5) }]);
    expectPlainFigure(fig);
    expect(fig.data[0].type).toBe("contour");
    expect(fig.frames).toHaveLength(31);
    expect((fig.frames![10].data[0].x as number[]).length).toBe(11);
    expect((fig.frames![10].data[1].x as number[]).length).toBe(5);
    expect(fig.frames![0].traces).toEqual([1, 2]);
    expect((fig.layout.sliders as Array<{ steps: unknown[] }>)[0].steps).toHaveLength(31);
    expect(() => gradientDescentPath([0, 0], 0, 3)).toThrow(/learning rate must be > 0/);
  });

  it("simplexPlot colours the 3-class simplex by logistic and zero-one loss", () => {
    expect(simplexLoss("logistic", [0.25, 0.5, 0.25], 1)).toBeCloseTo(Math.log(2), 12);
    expect(simplexLoss("zero_one", [0.25, 0.5, 0.25], 1)).toBe(0);
    expect(simplexLoss("zero_one", [0.5, 0.25, 0.25], 1)).toBe(1);
    const fig = simplexPlot({ label: 0, resolution: 10, points: [[0.13, 0.87, 0]] });
    expectPlainFigure(fig);
    const [logistic, , zeroOne] = fig.data as Array<Record<string, any>>;
    expect(logistic.type).toBe("scatterternary");
    expect(logistic.a).toHaveLength(66); // (n+1)(n+2)/2 grid points for n = 10
    expect(zeroOne.subplot).toBe("ternary2");
    const i = logistic.a.findIndex((p: number, k: number) => p === 1 && logistic.b[k] === 0);
    expect(logistic.marker.color[i]).toBeCloseTo(0, 12); // certain and right: no loss
    expect(fig.layout.ternary2).toBeDefined();
    expect(() => simplexPlot({ points: [[0.5, 0.6, 0]] })).toThrow(/not a probability triple/);
    expect(() => simplexPlot({ label: 3 })).toThrow(/label must be 0, 1 or 2/);
  });
});

describe("show and its display bundle", () => {
  const fig = lossCurves({ train: [3, 2, 1] });

  afterEach(() => {
    delete (globalThis as { __tslab__?: unknown }).__tslab__;
    vi.restoreAllMocks();
  });

  it("builds one bundle with plotly JSON and a text summary, a few kilobytes, no HTML", () => {
    const bundle = displayBundle(fig);
    expect(Object.keys(bundle).sort()).toEqual([PLOTLY_MIME, "text/plain"].sort());
    expect(bundle[PLOTLY_MIME].data).toHaveLength(1);
    expect(bundle[PLOTLY_MIME].layout.title).toEqual({ text: "Loss per epoch" });
    expect(bundle["text/plain"]).toBe(figureSummary(fig));
    expect(JSON.parse(JSON.stringify(bundle))).toEqual(bundle);
    expect(JSON.stringify(bundle).length).toBeLessThan(5_000);
  });

  it("figureHtml draws with the page's plotly.js and never carries the library or a script URL", () => {
    const html = figureHtml(fig);
    expect(html.length).toBeLessThan(5_000);
    expect(html).toMatch(/window\.Plotly\.newPlot/);
    expect(html).not.toMatch(/<script[^>]*\bsrc\s*=/i);
  });

  it("saveHtml writes a standalone offline page with plotly.js inlined once", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-savehtml-"));
    try {
      const file = path.join(dir, "fig.html");
      saveHtml(fig, file);
      const page = fs.readFileSync(file, "utf8");
      expect(page.length).toBeGreaterThan(1_000_000); // the whole library is in there
      expect(page.split("plotly.js v").length - 1).toBe(1);
      expect(page).not.toMatch(/<script[^>]*\bsrc\s*=/i);
      expect(page).not.toMatch(/cdn\.plot\.ly\/plotly/);
      // Only the library's own "</script" could end a script early; none may survive: 2 scripts, 2 ends.
      expect(page.match(/<\/script>/g)).toHaveLength(2);
      expect(page).toContain("<title>Loss per epoch</title>");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("outside tslab prints a one-line summary", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    show(fig);
    expect(log).toHaveBeenCalledWith('[nnlab figure] "Loss per epoch": 1 trace (scatter)');
  });

  it("inside tslab sends ONE small display_data per figure: plotly JSON and text, never plotly.js", () => {
    const sent: Array<{ data: Record<string, unknown>; update: boolean }> = [];
    const fake = "/fake/node_modules/tslab/dist/jupyter.js";
    const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
    cache[fake] = { exports: { lastWriteDisplayData: (m: { data: Record<string, unknown> }, update: boolean) => sent.push({ data: m.data, update }) } };
    try {
      (globalThis as { __tslab__?: object }).__tslab__ = {};
      show(fig);
      show(fig);
    } finally {
      delete cache[fake];
    }
    expect(sent).toHaveLength(2);
    for (const m of sent) {
      expect(m.update).toBe(false);
      expect(Object.keys(m.data).sort()).toEqual([PLOTLY_MIME, "text/plain"].sort());
      expect(m.data).toEqual(displayBundle(fig));
      expect(JSON.stringify(m.data).length).toBeLessThan(5_000);
    }
  });

  it("refuses things that are not figures", () => {
    expect(() => show({} as Figure)).toThrow(/expected a figure/);
  });
});
