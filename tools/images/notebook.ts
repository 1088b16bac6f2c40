// Putting figure images into an executed notebook: every output carrying
// plotly JSON gets a JPEG of that figure in the same MIME bundle.
// Front ends with a plotly renderer (JupyterLab with jupyterlab-plotly,
// VS Code) keep drawing the interactive chart from the JSON; viewers that run
// no JavaScript (GitHub, nbviewer, nbconvert's HTML) show the image.
import { PLOTLY_MIME } from "../../lib/plot/show";
import { Notebook, Output } from "../notebook/types";
import type { FigureRenderer, PlotlyFigure } from "./renderer";

export interface ImagesAdded {
  /** Figures that received an image. */
  images: number;
  /** One line per figure that could not be drawn ("cell 3: ..."). */
  failures: string[];
}

type RichOutput = Extract<Output, { data: unknown }>;

/** The outputs of `nb` that carry a plotly figure, with their 1-based cell numbers. */
export function figureOutputs(nb: Notebook): Array<{ cell: number; output: RichOutput }> {
  const found: Array<{ cell: number; output: RichOutput }> = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    for (const output of cell.outputs) {
      if ((output.output_type === "display_data" || output.output_type === "execute_result") && isFigure(output.data[PLOTLY_MIME])) {
        found.push({ cell: i + 1, output });
      }
    }
  });
  return found;
}

function isFigure(x: unknown): x is PlotlyFigure {
  return typeof x === "object" && x !== null && Array.isArray((x as PlotlyFigure).data);
}

/**
 * Image types a figure output may already carry: ours from an earlier run, or
 * the PNG snapshot jupyterlab-plotly adds when it saves (which would make it
 * show that picture instead of the chart). Replaced by one fresh image.
 */
export const IMAGE_MIMES = ["image/jpeg", "image/png"] as const;

/** Adds (or replaces) the image of every figure output of `nb`, in place. */
export async function addFigureImages(nb: Notebook, renderer: FigureRenderer): Promise<ImagesAdded> {
  const result: ImagesAdded = { images: 0, failures: [] };
  for (const { cell, output } of figureOutputs(nb)) {
    try {
      const image = await renderer.render(output.data[PLOTLY_MIME] as PlotlyFigure);
      const data = { ...output.data };
      const metadata = { ...output.metadata };
      for (const mime of IMAGE_MIMES) {
        delete data[mime];
        delete metadata[mime];
      }
      // Keep the MIME order readable: JSON, image, text.
      const { "text/plain": text, ...rest } = data;
      output.data = { ...rest, [image.mime]: image.base64, ...(text === undefined ? {} : { "text/plain": text }) };
      output.metadata = { ...metadata, [image.mime]: { width: image.width, height: image.height } };
      result.images++;
    } catch (e) {
      result.failures.push(`cell ${cell}: ${String(e instanceof Error ? e.message : e).split("\n")[0]}`);
    }
  }
  return result;
}
