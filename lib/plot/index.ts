// Plot builders (plain plotly.js JSON figures) and `show` for notebooks.
// Listed by name so that helpers internal to plotting stay out of "nnlab".
export type { Figure, Trace, Frame, FigureOptions } from "./figure";
export { lineChart, scatterPlot, lossCurves } from "./charts";
export type { Series, LineChartOptions, ScatterOptions, LossCurvesOptions } from "./charts";
export { decisionBoundary } from "./decision-boundary";
export type { DecisionBoundaryOptions } from "./decision-boundary";
export { networkDiagram } from "./network-diagram";
export type { NetworkDiagramOptions } from "./network-diagram";
export { activationPlot } from "./activation-plot";
export type { ActivationPlotOptions } from "./activation-plot";
export { descentPaths, gradientDescentPath, notesSurface } from "./descent-paths";
export type { DescentPath, DescentPathsOptions, Surface, Point2 } from "./descent-paths";
export { simplexPlot, simplexLoss } from "./simplex";
export type { SimplexLoss, SimplexOptions } from "./simplex";
export { show, displayBundle, figureSummary, PLOTLY_MIME } from "./show";
export type { DisplayBundle, PlotlyJson } from "./show";
export { figureHtml, saveHtml } from "./html";
