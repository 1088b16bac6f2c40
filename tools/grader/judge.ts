// Grading step: the verdict of one test run, decided here in the grader.
//
// For every check the solution's run made (expectations.ts), take the value
// the student's kernel reported under the same key, decode it defensively
// (values.ts) and compare it with the expected side using the same `check`
// the notebooks use. The student's process supplies values only; a missing,
// misplaced or unreadable report fails that check.
import { CheckError, createCheck } from "../../lib/check";
import type { CellExecution } from "../engine";
import type { RunExpectation } from "./expectations";
import type { TestRun } from "./instrument";
import type { ExpectMessage, ThrowsSpec } from "./report-protocol";
import { decodeValue, ValueError } from "./values";

const check = createCheck({ print: () => undefined });

export interface CheckFailure {
  site: number;
  line: number;
  hint?: string;
  /** What went wrong, with the student's value (for visible runs shown before any hidden code ran). */
  message: string;
  /** The same without anything the student's process produced. */
  safeMessage: string;
}

export interface RunVerdict {
  /** Share of the points earned: 0, 1, or a check.partial fraction. */
  fraction: number;
  failures: CheckFailure[];
  /** Parts of check.partial calls, for feedback. */
  parts: { name: string; ok: boolean }[];
}

interface Report {
  site: number;
  values?: unknown[];
  threw?: boolean;
  names?: unknown;
  text?: unknown;
  parts: Map<number, boolean>;
}

/** The student's reports of one run, by key (the first report of a key counts). */
function collectReports(messages: unknown[]): { reports: Map<string, Report>; ended: boolean } {
  const reports = new Map<string, Report>();
  let ended = false;
  for (const raw of messages) {
    if (typeof raw !== "object" || raw === null) continue;
    const m = raw as Record<string, unknown>;
    if (m.nnlab === "end") ended = true;
    if (typeof m.key !== "string" || typeof m.site !== "number") continue;
    if (m.nnlab === "part") {
      const r = reports.get(m.key) ?? { site: m.site, parts: new Map<number, boolean>() };
      if (typeof m.part === "number" && !r.parts.has(m.part)) r.parts.set(m.part, m.threw === false);
      reports.set(m.key, r);
    } else if (!reports.has(m.key) && (m.nnlab === "value" || m.nnlab === "throws")) {
      reports.set(m.key, { site: m.site, values: Array.isArray(m.values) ? m.values : undefined, threw: m.threw === true, names: m.names, text: m.text, parts: new Map() });
    }
  }
  return { reports, ended };
}

function throwsVerdict(spec: ThrowsSpec | undefined, r: Report): string | undefined {
  if (!r.threw) return "expected an error to be thrown, but the call returned normally";
  const names = Array.isArray(r.names) ? r.names.filter((n): n is string => typeof n === "string") : [];
  const text = typeof r.text === "string" ? r.text.slice(0, 2000) : ""; // bounded: an instructor RegExp runs on it
  if (!spec || spec.type === "any") return undefined;
  if (spec.type === "class") return names.includes(spec.name) ? undefined : `expected a ${spec.name}, got ${names[0] ?? "a value that is not an error"}`;
  if (spec.type === "text") return text.includes(spec.text) ? undefined : `expected an error containing ${JSON.stringify(spec.text)}`;
  return new RegExp(spec.source, spec.flags).test(text) ? undefined : `expected an error matching /${spec.source}/${spec.flags}`;
}

/** Judges one check; undefined when it passes, else [message with the student's value, safe message]. */
function judgeCheck(e: ExpectMessage, r: Report | undefined): [string, string] | undefined {
  const prefix = e.message ? `${e.message}: ` : "";
  if (!r) return [`${prefix}this check was not reached`, `${prefix}this check was not reached`];
  if (r.site !== e.site) return [`${prefix}the test took a different path than expected`, `${prefix}the test took a different path than expected`];
  if (e.kind === "throws") {
    const why = throwsVerdict(e.throwsSpec, r);
    return why === undefined ? undefined : [prefix + why, prefix + why.replace(/, got .*$/, "")];
  }
  try {
    const actual = decodeValue(r.values?.[0]);
    if (e.kind === "ok") {
      if (actual) return undefined;
      return [`${prefix}expected a true condition, got ${String(actual)}`, `${prefix}expected a true condition`];
    }
    const expected = r.values && r.values.length > 1 ? decodeValue(r.values[1]) : decodeValue(e.expected);
    if (e.kind === "equal") check.equal(actual, expected);
    else check.close(actual, expected, e.tol);
    return undefined;
  } catch (err) {
    if (err instanceof CheckError || err instanceof ValueError) return [prefix + err.message, `${prefix}the value is not what was expected`];
    return [`${prefix}the value could not be compared`, `${prefix}the value could not be compared`];
  }
}

export function judgeRun(run: TestRun, expect: RunExpectation | undefined, exec: CellExecution | undefined): RunVerdict {
  const sites = run.split.sites;
  const fail = (site: number, [message, safeMessage]: [string, string]): CheckFailure => ({ site, line: sites[site]?.line ?? 0, ...(sites[site]?.hint ? { hint: sites[site].hint } : {}), message, safeMessage });
  if (!expect || expect.problem) {
    const why = expect?.problem ?? "the solution did not run this test";
    return { fraction: 0, failures: [{ site: -1, line: 0, message: expect?.detail ?? why, safeMessage: why }], parts: [] };
  }
  const { reports, ended } = collectReports(exec?.messages ?? []);
  const failures: CheckFailure[] = [];
  const parts: { name: string; ok: boolean }[] = [];
  const byScope = (scope: string) => [...expect.records.values()].filter((e) => e.key.slice(0, e.key.lastIndexOf("#")) === scope);
  const scopeFailures = (scope: string): CheckFailure[] =>
    byScope(scope).flatMap((e) => {
      if (e.kind === "partial") return [];
      const bad = judgeCheck(e, reports.get(e.key));
      return bad ? [fail(e.site, bad)] : [];
    });

  failures.push(...scopeFailures("r"));
  let fraction = 1;
  for (const e of byScope("r").filter((x) => x.kind === "partial")) {
    const names = e.parts ?? [];
    const r = reports.get(e.key);
    let passed = 0;
    names.forEach((name, i) => {
      const inner = scopeFailures(`${e.key}/${i}`);
      const ok = r?.site === e.site && r.parts.get(i) === true && inner.length === 0;
      if (ok) passed++;
      parts.push({ name, ok });
    });
    fraction = Math.min(fraction, names.length === 0 ? 1 : passed / names.length);
  }
  const completed = ended && exec?.status === "ok";
  if (!completed && failures.length === 0) failures.push(fail(-1, ["the test did not run to its end", "the test did not run to its end"]));
  return { fraction: completed && failures.length === 0 ? fraction : 0, failures, parts };
}
