// Preloaded into the TRUSTED kernel, which runs the instructor's solution
// notebook once per batch (expectations.ts). Its test runs call
// nnlabTrusted.equal(site, actual, expected, message) and friends
// (split.ts): each call records the expected side — value, tolerance,
// message, what an error must look like — under the same key the student's
// kernel will use for the same call, and checks that the solution itself
// passes. No student code ever runs in this process.
import type { KernelChildApi } from "../engine/protocol";
import { createCheck } from "../../lib/check";
import { encodeValue } from "./values";
import { CheckKeys, ExpectMessage, ThrowsSpec } from "./report-protocol";

export const TRUSTED_ENV = "NNLAB_TRUSTED";

let send: ((m: unknown) => void) | undefined;
export function setupKernelChild(api: KernelChildApi): void {
  send = api.send;
}

const check = createCheck({ print: () => undefined });

function throwsSpec(expected: unknown): ThrowsSpec {
  if (expected === undefined) return { type: "any" };
  if (expected instanceof RegExp) return { type: "regex", source: expected.source, flags: expected.flags };
  if (typeof expected === "string") return { type: "text", text: expected };
  if (typeof expected === "function") return { type: "class", name: expected.name };
  throw new Error("check.throws: the expected error must be a class, a RegExp or a string");
}

function install(): void {
  const keys = new CheckKeys();
  const nextKey = () => keys.next();
  // The solution's own verdict on a check, with the reason when it fails (shown to instructors by validate).
  const verdict = (f: () => void): { solutionPassed: boolean; solutionFailure?: string } => {
    try {
      f();
      return { solutionPassed: true };
    } catch (e) {
      return { solutionPassed: false, solutionFailure: String((e as Error)?.message ?? e).slice(0, 500) };
    }
  };
  const passes = (f: () => void) => verdict(f).solutionPassed;
  const record = (m: Omit<ExpectMessage, "nnlab">) => send?.({ nnlab: "expect", ...m });
  const text = (m: unknown) => (m === undefined ? undefined : String(m));

  (globalThis as Record<string, unknown>).nnlabTrusted = {
    begin() {
      keys.begin();
    },
    end() {
      send?.({ nnlab: "end" });
    },
    equal(site: number, actual: unknown, expected: unknown, message?: unknown) {
      record({ key: nextKey(), site, kind: "equal", expected: encodeValue(expected), message: text(message), ...verdict(() => check.equal(actual, expected)) });
    },
    close(site: number, actual: unknown, expected: unknown, tol?: unknown, message?: unknown) {
      const t = tol === undefined ? 1e-6 : Number(tol);
      record({ key: nextKey(), site, kind: "close", expected: encodeValue(expected), tol: t, message: text(message), ...verdict(() => check.close(actual, expected, t)) });
    },
    ok(site: number, condition: unknown, message?: unknown) {
      record({ key: nextKey(), site, kind: "ok", message: text(message), solutionPassed: !!condition });
    },
    throws(site: number, fn: () => unknown, expected?: unknown, message?: unknown) {
      const key = nextKey();
      record({ key, site, kind: "throws", throwsSpec: throwsSpec(expected), message: text(message), ...verdict(() => check.throws(fn, expected as RegExp)) });
    },
    partial(site: number, parts: Record<string, () => unknown>) {
      const key = nextKey();
      const names = Object.keys(parts);
      let passed = 0;
      names.forEach((name, i) => {
        if (passes(() => keys.within(key, i, () => parts[name]()))) passed++;
      });
      record({ key, site, kind: "partial", parts: names, solutionPassed: passed === names.length });
    },
  };
}

if (process.env[TRUSTED_ENV]) {
  delete process.env[TRUSTED_ENV];
  install();
}
