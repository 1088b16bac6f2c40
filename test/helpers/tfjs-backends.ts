// The tfjs backends that the comparison tests (tfjs against the hand-coded
// network and optimisers) run on: "tensorflow" (tfjs-node) and "wasm", or the
// one NNLAB_TFJS_BACKEND names. A test file does
//
//   forEachBackend((name) => { it(…); describe(…); });   // suites "on the tensorflow backend", …
//
// In CI (CI=true) both must work: a missing tfjs-node fails the tests. Locally
// the tensorflow suites are skipped, with the reason printed, only when
// `npm run setup:tfjs-node` has not been run (tfjs-node absent or without its
// addon); a tfjs-node that is set up but broken fails like in CI.
import { beforeAll, describe, expect } from "vitest";
import { type BackendName, backendFallbackReasons, loadBackend } from "nnlab";
import { backendFromEnv } from "../../lib/tfjs/backend";

interface ComparisonBackend {
  name: BackendName;
  /** Set when this backend's suites are skipped: why. */
  skip?: string;
}

export const inCI = (): boolean => !!process.env.CI && process.env.CI !== "false" && process.env.CI !== "0";

/** Why tfjs-node cannot start here, or undefined if it can (loads it, leaves "tensorflow" active). */
async function tensorflowProblem(): Promise<string | undefined> {
  if ((await loadBackend("tensorflow", { quiet: true })) === "tensorflow") return undefined;
  return backendFallbackReasons()[0] ?? "tfjs-node did not start";
}

async function comparisonBackends(): Promise<ComparisonBackend[]> {
  const only = backendFromEnv();
  const names: BackendName[] = only ? [only] : ["tensorflow", "wasm"];
  const out: ComparisonBackend[] = [];
  for (const name of names) {
    const problem = name === "tensorflow" ? await tensorflowProblem() : undefined;
    const notSetUp = problem !== undefined && /not installed|without its native addon/.test(problem);
    if (notSetUp && !inCI()) {
      const skip = `tfjs-node is not set up here (${problem}); run \`npm run setup:tfjs-node\` to test the tensorflow backend too`;
      console.warn(`skipping the tensorflow backend: ${skip}`);
      out.push({ name, skip });
    } else {
      out.push({ name });
    }
  }
  return out;
}

/** Activates `name` before the suite's tests, and fails them (with the loader's reason) if it cannot start. */
function useBackend(name: BackendName): void {
  beforeAll(async () => {
    const got = await loadBackend(name, { quiet: true });
    expect(got, `the ${name} backend did not start: ${backendFallbackReasons().join("; ")}`).toBe(name);
  });
}

/**
 * Registers `body`'s tests once per comparison backend, each group with its
 * backend active. (The backends are found while vitest collects the tests,
 * hence the async describe: vitest awaits it.)
 */
export function forEachBackend(body: (name: BackendName) => void): void {
  describe("tfjs backends", async () => {
    for (const { name, skip } of await comparisonBackends()) {
      describe.skipIf(skip !== undefined)(`on the ${name} backend`, () => {
        useBackend(name);
        body(name);
      });
    }
  });
}
