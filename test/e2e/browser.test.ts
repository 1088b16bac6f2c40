// End to end in a real browser: JupyterLab from the project venv, driven in
// Debian's Chromium through playwright-core, the way a student uses the course.
//  1. a lecture notebook with a plotly figure: Run All, kernel idle, no cell
//     failed, kernel "TypeScript", the plotly renderer drew svg.main-svg;
//     screenshot in test/artifacts/.
//  2. an exercise (the course's first, else our fixture): the visible test
//     fails on the stub — an error output with the exception's name and
//     message, rendered — and passes after entering a correct answer into the
//     solution cell.
// Needs /usr/bin/chromium (`node scripts/ensure-chromium.js` installs it).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_ARGS } from "../../tools/images/chromium";
import { ARTIFACTS, FIXTURES, ROOT, hasPlotlyFigure, notebooksIn, rel, startJupyterLab, type JupyterLab } from "../helpers/jupyter";

const CHROMIUM = "/usr/bin/chromium";

/** The lecture notebook to open: the first with a figure, or our fixture until the course lands. */
function notebookWithFigure(): string {
  const lectures = notebooksIn("notebooks");
  if (lectures.length === 0) return path.join(FIXTURES, "plot.ipynb");
  const withFigure = lectures.find(hasPlotlyFigure);
  if (!withFigure) throw new Error(`no notebook in notebooks/ shows a plotly figure (looked at ${lectures.map(rel).join(", ")})`);
  return withFigure;
}

interface ExerciseCase {
  file: string;
  /** The correct source for the solution cell with this grade_id. */
  answer(gradeId: string): string;
  /** Text the visible test prints when it passes, if it prints any. */
  passText?: string;
}

/**
 * The exercise to solve: the first generated exercise (exercises/X.ipynb) with
 * its instructor source (solutions/X.ipynb) — the answer is the solution
 * cell's code without the BEGIN/END SOLUTION markers — or, until the course
 * has exercises, our fixture with a one-line answer.
 */
function exerciseToSolve(): ExerciseCase {
  for (const file of notebooksIn("exercises")) {
    const source = path.join(ROOT, "solutions", path.basename(file));
    if (!fs.existsSync(source)) continue;
    const nb = JSON.parse(fs.readFileSync(source, "utf8")) as { cells: Array<{ source: string | string[]; metadata: any }> };
    return {
      file,
      answer(gradeId) {
        const cell = nb.cells.find((c) => c.metadata?.nbgrader?.grade_id === gradeId);
        if (!cell) throw new Error(`${rel(source)} has no cell with grade_id ${gradeId}`);
        const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
        return text
          .split("\n")
          .filter((line) => !/^\s*\/\/\s*(BEGIN|END) SOLUTION\b/.test(line))
          .join("\n");
      },
    };
  }
  return {
    file: path.join(FIXTURES, "exercise.ipynb"),
    answer: () => "function double(x: number): number { return 2 * x; }",
    passText: "all visible tests passed",
  };
}

// ------------------------------------------------------------- page helpers
// The page's JupyterLab application (exposed by the test server) — used to
// READ state (models, kernel messages); actions go through menus and keys.
interface NotebookState {
  ready: boolean;
  kernelStatus: string;
  kernelDisplayName: string;
  codeCells: number;
  executed: number;
  replies: string[];
  errorOutputs: number;
}

async function openNotebook(page: Page, lab: JupyterLab, file: string): Promise<void> {
  await page.goto(`${lab.urlFor(file)}&reset`);
  await page.locator(".jp-NotebookPanel").first().waitFor({ state: "visible", timeout: 120_000 });
  // Kernel started and idle; from now on record every execute_reply it sends.
  await page.waitForFunction(
    () => {
      const w = (window as any).jupyterapp?.shell?.currentWidget;
      const kernel = w?.sessionContext?.session?.kernel;
      if (!kernel || kernel.status !== "idle") return false;
      if (!(window as any).__replies) {
        (window as any).__replies = [];
        kernel.anyMessage.connect((_: unknown, args: any) => {
          if (args.direction === "recv" && args.msg.header.msg_type === "execute_reply") {
            (window as any).__replies.push(args.msg.content.status);
          }
        });
      }
      return true;
    },
    undefined,
    { timeout: 120_000, polling: 250 },
  );
}

async function notebookState(page: Page): Promise<NotebookState> {
  return page.evaluate(() => {
    const w = (window as any).jupyterapp.shell.currentWidget;
    const ctx = w.sessionContext;
    const cells: any[] = [];
    const model = w.content.model;
    for (let i = 0; i < model.cells.length; i++) cells.push(model.cells.get(i));
    const code = cells.filter((c) => c.type === "code");
    let errorOutputs = 0;
    for (const c of code) {
      for (let j = 0; j < c.outputs.length; j++) if (c.outputs.get(j).type === "error") errorOutputs++;
    }
    return {
      ready: ctx.isReady,
      kernelStatus: ctx.session?.kernel?.status ?? "none",
      kernelDisplayName: ctx.kernelDisplayName,
      codeCells: code.length,
      executed: code.filter((c) => c.executionCount !== null).length,
      replies: [...((window as any).__replies ?? [])],
      errorOutputs,
    };
  });
}

/** Wait until `n` execute replies arrived (or one failed) and the kernel is idle. */
async function waitForReplies(page: Page, n: number, timeoutMs: number): Promise<NotebookState> {
  await page.waitForFunction(
    (want) => {
      const replies: string[] = (window as any).__replies ?? [];
      const kernel = (window as any).jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
      const done = replies.length >= want || replies.some((s) => s !== "ok");
      // The reply reaches the kernel's message signal before the cell model takes it in.
      const model = (window as any).jupyterapp.shell.currentWidget.content.model;
      for (let i = 0; i < model.cells.length; i++) {
        if (model.cells.get(i).executionState === "running") return false;
      }
      return done && kernel?.status === "idle";
    },
    n,
    { timeout: timeoutMs, polling: 250 },
  );
  return notebookState(page);
}

async function clickMenu(page: Page, menu: string, item: string): Promise<void> {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: new RegExp(`^${menu}$`) }).click();
  await page.locator(".lm-Menu-itemLabel", { hasText: new RegExp(`^${item}$`) }).first().click();
}

/** The error outputs of the cell at `index`, as the notebook model holds them. */
async function errorOutputs(page: Page, index: number): Promise<Array<{ ename: string; evalue: string; traceback: string[] }>> {
  return page.evaluate((i) => {
    const cell = (window as any).jupyterapp.shell.currentWidget.content.model.cells.get(i);
    const out: Array<{ ename: string; evalue: string; traceback: string[] }> = [];
    for (let j = 0; j < cell.outputs.length; j++) {
      const o = cell.outputs.get(j).toJSON();
      if (o.output_type === "error") out.push({ ename: o.ename, evalue: o.evalue, traceback: o.traceback });
    }
    return out;
  }, index);
}

/** Output text of the cell at `index` (all output areas, as the page shows them). */
async function cellOutputText(page: Page, index: number): Promise<string> {
  return page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea").innerText();
}

// ------------------------------------------------------------------ tests

describe("JupyterLab in Chromium (playwright-core)", () => {
  let lab: JupyterLab | undefined;
  let context: BrowserContext | undefined;
  let userDataDir = "";

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      // As root with apt-get this installs Debian's chromium; otherwise it explains what to install.
      const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "ensure-chromium.js")], { encoding: "utf8" });
      if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing and could not be installed:\n${r.stderr}`);
    }
    lab = await startJupyterLab();
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
    });
  }, 600_000);

  afterAll(async () => {
    await context?.close();
    await lab?.stop();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  it("runs a lecture notebook with a plotly figure: no failed cell, TypeScript kernel, chart rendered", async () => {
    const file = notebookWithFigure();
    const page = await context!.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await openNotebook(page, lab!, file);
    // Committed figures carry plotly JSON and a static image: JupyterLab must pick the interactive chart.
    await page.locator(".jp-RenderedPlotly svg.main-svg").first().waitFor({ state: "visible", timeout: 60_000 });

    await clickMenu(page, "Run", "Run All Cells");
    const { codeCells } = await notebookState(page);
    const state = await waitForReplies(page, codeCells, 240_000);

    expect(state.replies, `execute_reply statuses for ${rel(file)}`).toEqual(Array(codeCells).fill("ok"));
    expect(state.errorOutputs).toBe(0);
    expect(state.executed).toBe(codeCells);
    expect(state.kernelDisplayName).toBe("TypeScript");
    await expect
      .poll(() => page.locator(".jp-NotebookPanel-toolbar .jp-Toolbar-kernelName").first().innerText())
      .toContain("TypeScript");

    // The JupyterLab plotly renderer (jupyterlab-plotly), not an HTML fallback, drew the chart.
    const chart = page.locator(".jp-RenderedPlotly svg.main-svg").first();
    await chart.waitFor({ state: "visible", timeout: 60_000 });
    await chart.scrollIntoViewIfNeeded();
    // What Save would write stays small: live figures are plotly JSON only, no copy of plotly.js.
    const saved = await page.evaluate(() => JSON.stringify((window as any).jupyterapp.shell.currentWidget.content.model.toJSON()));
    expect(saved.length, "bytes of the notebook as saved after Run All").toBeLessThan(1_000_000);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, "jupyterlab-notebook.png");
    await page.screenshot({ path: shot });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 420_000);

  it("exercise: the visible test fails on the stub and passes after typing a correct answer", async () => {
    const exercise = exerciseToSolve();
    const page = await context!.newPage();
    await openNotebook(page, lab!, exercise.file);
    const cells = await page.evaluate(() => {
      const model = (window as any).jupyterapp.shell.currentWidget.content.model;
      const out: Array<{ type: string; nbgrader: any }> = [];
      for (let i = 0; i < model.cells.length; i++) {
        const c = model.cells.get(i);
        out.push({ type: c.type, nbgrader: c.getMetadata("nbgrader") ?? null });
      }
      return out;
    });
    const solution = cells.findIndex((c) => c.nbgrader?.solution === true);
    const visibleTest = cells.findIndex((c, i) => i > solution && c.nbgrader?.grade === true && c.nbgrader?.solution !== true);
    expect(solution, `a solution cell in ${rel(exercise.file)}`).toBeGreaterThanOrEqual(0);
    expect(visibleTest, `a test cell after the solution cell in ${rel(exercise.file)}`).toBeGreaterThan(solution);
    const answer = exercise.answer(cells[solution].nbgrader.grade_id);

    // As handed out: the stub throws, so the visible test cell fails (Run All stops there).
    await clickMenu(page, "Run", "Run All Cells");
    let state = await waitForReplies(page, 1, 120_000);
    expect(state.replies).toContain("error");
    // The failing cell has an error output (not stderr text) with the exception's name and message…
    const errors = await errorOutputs(page, visibleTest);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ ename: "Error", evalue: "not implemented" });
    expect(errors[0].traceback[0]).toBe("Error: not implemented");
    // …which JupyterLab renders as an error.
    const rendered = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(visibleTest).locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
    await expect.poll(() => rendered.first().innerText()).toContain("Error: not implemented");

    // The student replaces the stub with an answer in the editor.
    const cell = (i: number) => page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(i);
    await cell(solution).locator(".cm-content").click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    // One line is typed key by key; several lines are pasted (typing them would
    // fight the editor's auto-indent and bracket closing).
    if (answer.includes("\n")) await page.keyboard.insertText(answer);
    else await page.keyboard.type(answer);
    await page.evaluate(() => ((window as any).__replies.length = 0));
    await page.keyboard.press("Shift+Enter"); // run the solution cell
    await waitForReplies(page, 1, 60_000);
    await cell(visibleTest).locator(".jp-InputArea-prompt").click(); // select the test cell
    await page.keyboard.press("Shift+Enter"); // and run it
    state = await waitForReplies(page, 2, 60_000);

    expect(state.replies).toEqual(["ok", "ok"]);
    expect(state.errorOutputs).toBe(0);
    const output = await cellOutputText(page, visibleTest);
    expect(output).not.toContain("not implemented");
    if (exercise.passText) expect(output).toContain(exercise.passText);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "jupyterlab-exercise.png") });
    await page.close();
  }, 300_000);
});
