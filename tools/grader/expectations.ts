// Grading step (once per batch): what every check expects.
//
// The instructor's solution notebook runs in a TRUSTED kernel, with each
// test run in its trusted version (split.ts): the checks record their
// expected values, tolerances, messages and error specifications
// (trusted-recorder.ts) under the same keys the student's kernel will use.
// These records never leave the grader; judge.ts compares every student's
// reported values with them.
import fs from "node:fs";
import type { Notebook } from "../notebook";
import type { CompilerPool } from "./compiler";
import { executeSteps } from "./execute";
import { planSteps, TestRun } from "./instrument";
import type { ExpectMessage } from "./report-protocol";
import { Limits, SandboxRoot, trustedKernel } from "./sandbox";

export interface RunExpectation {
  /** The solution's run reached its last line. */
  completed: boolean;
  /** Expected side of every check the solution's run made, by key ("r#0", "r#2/1#0", …). */
  records: Map<string, ExpectMessage>;
  /** Why this run cannot be judged (the solution itself fails it); every submission then fails it. */
  problem?: string;
  /** The same, with the solution's values: for instructors (nnlab validate), never for hidden feedback. */
  detail?: string;
}

export type Expectations = Map<string, RunExpectation>;

function isExpect(m: unknown): m is ExpectMessage {
  return typeof m === "object" && m !== null && (m as { nnlab?: unknown }).nnlab === "expect" && typeof (m as { key?: unknown }).key === "string";
}

export async function computeExpectations(assignment: Notebook, tests: Map<string, TestRun[]>, compiler: CompilerPool, sandbox: SandboxRoot, limits: Limits): Promise<Expectations> {
  const steps = planSteps(assignment, tests, "trusted");
  const workdir = sandbox.workdir(-1);
  const problems: string[] = [];
  let outcomes;
  try {
    outcomes = await executeSteps(steps, { kernel: () => trustedKernel(workdir, limits), compiler, limits, problems });
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
  const result: Expectations = new Map();
  for (const o of outcomes) {
    const run = o.step.test;
    if (!run) continue;
    const records = new Map<string, ExpectMessage>();
    let completed = false;
    for (const m of o.exec?.messages ?? []) {
      if (isExpect(m)) records.set(m.key, m);
      else if ((m as { nnlab?: unknown })?.nnlab === "end") completed = true;
    }
    const failedChecks = [...records.values()].filter((r) => !r.solutionPassed);
    let problem: string | undefined;
    if (o.skipped) problem = `the solution did not run this test (${o.skipped})`;
    else if (o.exec?.status !== "ok" || !completed) problem = `the solution fails this test: ${o.exec?.error ? `${o.exec.error.ename}: ${o.exec.error.evalue.split("\n")[0]}` : (o.exec?.status ?? "not run")}`;
    let detail = problem;
    if (!problem && failedChecks.length) {
      const first = failedChecks[0];
      problem = "the instructor's solution fails this test, so it cannot be judged";
      detail = `the solution fails the check at line ${run.split.sites[first.site]?.line ?? "?"}: ${first.solutionFailure ?? "it did not pass"}`;
    }
    result.set(run.id, { completed, records, ...(problem ? { problem, detail } : {}) });
  }
  return result;
}
