// Every submission of the batch: the reference ones (correct, empty), the
// attacks, and the ones whose file name or link is the attack.
import { notebookAttacks } from "./notebook";
import { processAttacks } from "./process";
import { runtimeAttacks } from "./runtime";
import { sandboxAttacks } from "./sandbox";
import type { Ctx, Spec } from "./types";

export type { Ctx, Kind, Spec } from "./types";

/** Attacks that could ruin the rest of the batch: a correct submission is graded right after each. */
export const RUINERS = ["fd-flood-close", "fd-forged-json", "fd-garbage", "kill-grader", "poison-global-augment", "poison-nested-literal", "poison-slow-types", "timers-forge-later"];

const stub = (n: number) => `function countWeights(units: number[]): number { return ${-n}; }`;

function nameAttacks(ctx: Ctx): Spec[] {
  const csv = (name: string, text: string): Spec => ({
    name,
    kind: "attack",
    cls: "CSV injection",
    tries: `a file name starting with ${name[0]}, and an answer cell that throws ${JSON.stringify(text)} (reaches the reason column)`,
    answers: { count_weights: `${stub(1)}\nthrow new Error(${JSON.stringify(text)});` },
    mutate: (nb) => {
      // An unknown grade_id lands in the notes, which also reach the reason column.
      nb.cells.push({ cell_type: "code", metadata: { nbgrader: { grade: false, solution: true, grade_id: text, locked: false, schema_version: 3 } }, source: "1;", outputs: [], execution_count: null });
      return nb;
    },
  });
  const twin = (name: string, tries: string): Spec => ({ name, kind: "attack", cls: "student ids that collide", tries, answers: { count_weights: stub(2) } });
  return [
    csv("=HYPERLINK(1)", '=HYPERLINK("http://evil.example","x")'),
    csv("+SUM(1+1)", "+cmd|' /C calc'!A0"),
    csv("-2+3", "-2+3+cmd|' /C calc'!A0"),
    csv("@SUM(A1)", "@SUM(1+1)*cmd|' /C calc'!A0\r\n=1+1\n\t=2+2"),
    twin("_victim", "normalises to the same id as victim.ipynb (a correct submission), hoping to replace its row"),
    twin("victim-2", "takes the name the grader gives the second of two colliding ids"),
    twin("x/victim", "a subfolder whose path flattens to x-victim"),
    twin("x-victim", "a plain file named like the flattened subfolder path"),
    twin("Victim", "differs from victim only by case (one folder on case-insensitive file systems)"),
    { name: "symlink-solution", kind: "attack", cls: "symbolic links", tries: "the submission is a symbolic link to the instructor's notebook (absolute path)", symlinkTo: ctx.solution },
    { name: "symlink-relative", kind: "attack", cls: "symbolic links", tries: "a relative symbolic link to the instructor's notebook", symlinkTo: "RELATIVE-SOLUTION" },
    { name: "symlink-classmate", kind: "attack", cls: "symbolic links", tries: "a symbolic link to another student's (correct) submission", symlinkTo: "correct-a-first.ipynb" },
  ];
}

export function allSpecs(ctx: Ctx): Spec[] {
  const reference: Spec[] = [
    { name: "correct-a-first", kind: "correct", cls: "reference", tries: "the solution's answers, graded first" },
    { name: "empty", kind: "empty", cls: "reference", tries: "the student version as released" },
    { name: "victim", kind: "correct", cls: "reference", tries: "the solution's answers, under the name the id-collision attacks aim at" },
    { name: "zz-correct-last", kind: "correct", cls: "reference", tries: "the solution's answers, graded last" },
    ...RUINERS.map((r): Spec => ({ name: `${r}_correct`, kind: "correct", cls: "reference", tries: `the solution's answers, graded right after ${r}` })),
  ];
  return [...reference, ...runtimeAttacks(ctx), ...sandboxAttacks(ctx), ...processAttacks(ctx), ...notebookAttacks(ctx), ...nameAttacks(ctx)];
}
