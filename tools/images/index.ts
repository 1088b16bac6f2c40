// Static images of plotly figures (JPEG, drawn by plotly.js in headless Chromium)
// for notebooks executed by `nnlab run`.
export { FigureRenderer, FigureImage, PlotlyFigure, DEFAULT_SIZE, IMAGE_MIME, shownFrame } from "./renderer";
export { addFigureImages, figureOutputs, ImagesAdded, IMAGE_MIMES } from "./notebook";
export { findChromium, launchChromium, CHROMIUM_ARGS } from "./chromium";
export { ImageStep, ImagesMode, ImagesUnavailableError, ImageStepResult } from "./step";
