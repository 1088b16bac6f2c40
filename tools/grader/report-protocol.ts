// What the kernels tell the grader about checks, as plain data
// (tools/grader/split.ts writes the calls that send it).
//
// From the student's kernel (sandbox/agent.ts) — claims, never trusted:
//   {nnlab:"value", key, site, values:[actual] | [actual, expected]}
//   {nnlab:"throws", key, site, threw, names, text}
//   {nnlab:"part", key, site, part, threw}          one per part of a check.partial
//   {nnlab:"end"}                                   the run reached its last line
// From the trusted kernel (trusted-recorder.ts), one per check it ran:
//   {nnlab:"expect", key, site, kind, expected?, tol?, message?, throwsSpec?, parts?}
import type { Encoded } from "./values";
import { errorText as checkErrorText } from "../../lib/check";
import { builtins } from "../../lib/captured-builtins";

// errorNames runs in the student's kernel too (sandbox/agent.ts).
const { ObjectGetPrototypeOf, ObjectGetOwnPropertyDescriptor } = builtins;

export type ReportMessage =
  | { nnlab: "value"; key: string; site: number; values: Encoded[] }
  | { nnlab: "throws"; key: string; site: number; threw: boolean; names: string[]; text: string }
  | { nnlab: "part"; key: string; site: number; part: number; threw: boolean }
  | { nnlab: "end" };

/** What check.throws expects, as data: no class, RegExp or function crosses. */
export type ThrowsSpec = { type: "any" } | { type: "class"; name: string } | { type: "regex"; source: string; flags: string } | { type: "text"; text: string };

export interface ExpectMessage {
  nnlab: "expect";
  key: string;
  site: number;
  kind: "equal" | "close" | "ok" | "throws" | "partial";
  expected?: Encoded;
  tol?: number;
  message?: string;
  throwsSpec?: ThrowsSpec;
  /** For check.partial: the part names, in order. */
  parts?: string[];
  /** The solution's own verdict on this check (it should always pass), and why not. */
  solutionPassed: boolean;
  solutionFailure?: string;
}

/** Constructor names along the prototype chain of a thrown value ("RangeError", "Error"). */
export function errorNames(e: unknown): string[] {
  const names: string[] = [];
  try {
    for (let p = e !== null && typeof e === "object" ? ObjectGetPrototypeOf(e) : null; p && names.length < 16; p = ObjectGetPrototypeOf(p)) {
      const ctor = ObjectGetOwnPropertyDescriptor(p, "constructor")?.value;
      if (typeof ctor === "function" && typeof ctor.name === "string" && ctor.name) names.push(ctor.name);
    }
  } catch {
    /* a hostile prototype chain: report what was read */
  }
  return names;
}

/** "Name: message" of a thrown value (the one formatter `check` uses), bounded in length. */
export function errorText(e: unknown): string {
  try {
    return checkErrorText(e).slice(0, 2000);
  } catch {
    return "an error that could not be read";
  }
}

/**
 * Keys of checks within one test run, the same in both kernels: "r#3" is the
 * 4th check of the run, "r#2/1#0" the first check in part 1 of the
 * check.partial at "r#2". begin() starts a run; within(key, i, f) runs f as
 * part i of the partial at key.
 */
export class CheckKeys {
  private scope = "r";
  private counters = new Map<string, number>();

  begin(): void {
    this.scope = "r";
    this.counters = new Map();
  }

  next(): string {
    const n = this.counters.get(this.scope) ?? 0;
    this.counters.set(this.scope, n + 1);
    return `${this.scope}#${n}`;
  }

  within<T>(key: string, part: number, f: () => T): T {
    const outer = this.scope;
    this.scope = `${key}/${part}`;
    try {
      return f();
    } finally {
      this.scope = outer;
    }
  }
}
