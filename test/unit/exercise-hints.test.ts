// Hints on hidden checks (`// hint: …` above the check) are what a student
// reads when a hidden test fails. They must reach the student intact: the
// grader's scrubber blanks every string literal and line of a hidden region
// in feedback, so a hint that repeats one (a check's message, an argument
// such as "mean") would arrive as "[hidden]".
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { readNotebookFile } from "../../tools/notebook";
import { planTests } from "../../tools/grader/instrument";
import { Scrubber } from "../../tools/grader/scrub";

const SOLUTIONS = path.join(__dirname, "..", "..", "solutions");
const exercises = fs.readdirSync(SOLUTIONS).filter((f) => /^E\d+.*\.ipynb$/.test(f)).sort();
// Exercises whose every hidden check carries a hint (issue 11).
const FULLY_HINTED = /^E(0[1-9]|1[0-8])-/;

describe("hints on hidden checks", () => {
  it.each(exercises)("%s: every hint survives the feedback scrubber", (file) => {
    const nb = readNotebookFile(path.join(SOLUTIONS, file));
    const scrub = Scrubber.forAssignment(nb);
    const damaged: string[] = [];
    for (const runs of planTests(nb).values()) {
      for (const run of runs) for (const site of run.split.sites) if (site.hint && scrub.text(`Hint: ${site.hint}`) !== `Hint: ${site.hint}`) damaged.push(site.hint);
    }
    expect(damaged).toEqual([]);
  });

  it.each(exercises.filter((f) => FULLY_HINTED.test(f)))("%s: every hidden check has a hint", (file) => {
    const missing: string[] = [];
    for (const [id, runs] of planTests(readNotebookFile(path.join(SOLUTIONS, file)))) {
      for (const run of runs) if (run.hidden) for (const site of run.split.sites) if (!site.hint) missing.push(`${id}, line ${site.line}`);
    }
    expect(missing).toEqual([]);
  });
});
