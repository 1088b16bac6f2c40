// The image step of `nnlab run`: one renderer for the whole run, started the
// first time a written notebook has a figure (a run without figures never
// starts a browser), and a single clear note when images cannot be made.
import { Notebook } from "../notebook/types";
import { addFigureImages, figureOutputs } from "./notebook";
import { FigureRenderer } from "./renderer";

/** "auto": images when a Chromium is found, else a note; "required": no Chromium is an error; "off": none. */
export type ImagesMode = "auto" | "required" | "off";

export class ImagesUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`figure images need a Chromium: ${reason}`);
    this.name = "ImagesUnavailableError";
  }
}

export interface ImageStepResult {
  /** For the notebook's summary line, e.g. "4 figure images" ("" when it has no figure). */
  note: string;
  /** Figures that could not be drawn ("cell 3: ..."). */
  failures: string[];
}

export class ImageStep {
  private renderer: Promise<FigureRenderer | { unavailable: string }> | null = null;
  private warned = false;

  constructor(
    private readonly mode: ImagesMode,
    /** Where the one-time "images skipped" note goes (stderr in the CLI). */
    private readonly warn: (line: string) => void,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** With "required", start Chromium now so a missing one fails before any notebook runs. */
  async prepare(): Promise<void> {
    if (this.mode !== "required") return;
    const r = await this.start();
    if (!(r instanceof FigureRenderer)) throw new ImagesUnavailableError(r.unavailable);
  }

  /** Adds an image to every figure of `nb` (in place) when images are on and possible. */
  async add(nb: Notebook): Promise<ImageStepResult> {
    const figures = figureOutputs(nb).length;
    if (figures === 0 || this.mode === "off") return { note: "", failures: [] };
    const r = await this.start();
    if (!(r instanceof FigureRenderer)) {
      if (!this.warned) {
        this.warned = true;
        this.warn(
          `images skipped: ${r.unavailable}.\n` +
            "  Figures are saved as plotly JSON only: interactive in JupyterLab and VS Code, but invisible on GitHub and in nbconvert's HTML.\n" +
            "  Install Chromium (node scripts/ensure-chromium.js) or pass --no-images to silence this note.",
        );
      }
      return { note: `${figures} figure${figures === 1 ? "" : "s"}, images skipped`, failures: [] };
    }
    const added = await addFigureImages(nb, r);
    return { note: `${added.images} figure image${added.images === 1 ? "" : "s"}`, failures: added.failures };
  }

  async close(): Promise<void> {
    const r = await this.renderer;
    if (r instanceof FigureRenderer) await r.close();
  }

  private start(): Promise<FigureRenderer | { unavailable: string }> {
    this.renderer ??= FigureRenderer.start(this.env);
    return this.renderer;
  }
}
