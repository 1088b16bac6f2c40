// The loader's fallback chain tensorflow → wasm → cpu, on a machine where
// tfjs-node works (CI sets it up): here the packages are hidden from Node's
// module resolution, the way a machine without them (or without tfjs-node's
// addon) looks to the loader. This file runs in its own process, so nothing
// else sees the hiding.
import Module from "node:module";
import { afterAll, describe, expect, it } from "vitest";
import { activeBackend, backendFallbackReasons, backendMessage, loadBackend, tfjs } from "nnlab";
import { inCI } from "../helpers/tfjs-backends";

type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const realResolve = loader._resolveFilename;
const hidden = new Map<string, () => never>();

loader._resolveFilename = function (request: string, ...rest: unknown[]) {
  const hide = hidden.get(request);
  if (hide) hide();
  return realResolve.call(this, request, ...rest);
};
afterAll(() => {
  loader._resolveFilename = realResolve;
});

const notInstalled = (name: string) => () => {
  throw Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- backend.ts`), { code: "MODULE_NOT_FOUND" });
};
// What tfjs-node throws when its package is there but its addon was never built.
const noAddon = () => {
  throw new Error("The Node.js native addon module (tfjs_binding.node) can not be found at path: lib/napi-v8/tfjs_binding.node.");
};

describe("loadBackend falls back and says why", () => {
  it("NNLAB_TFJS_BACKEND naming no backend is a clear error, not a silent default", async () => {
    process.env.NNLAB_TFJS_BACKEND = "gpu";
    try {
      await expect(loadBackend(undefined, { quiet: true })).rejects.toThrow(/NNLAB_TFJS_BACKEND="gpu" is not a TensorFlow.js backend/);
      expect(activeBackend()).toBeNull();
    } finally {
      delete process.env.NNLAB_TFJS_BACKEND;
    }
  });

  it("NNLAB_TFJS_BACKEND puts its backend first on the first call", async () => {
    process.env.NNLAB_TFJS_BACKEND = "cpu";
    try {
      expect(await loadBackend(undefined, { quiet: true })).toBe("cpu");
      expect(backendMessage()).toBe("nnlab: TensorFlow.js backend = cpu");
    } finally {
      delete process.env.NNLAB_TFJS_BACKEND;
    }
  });

  // Before anything loads the wasm package: Node remembers a module a file has
  // required once and does not resolve it again, so it could not be hidden later.
  it("without tfjs-node and wasm: cpu, naming both", async () => {
    hidden.set("@tensorflow/tfjs-node", notInstalled("@tensorflow/tfjs-node"));
    hidden.set("@tensorflow/tfjs-backend-wasm", notInstalled("@tensorflow/tfjs-backend-wasm"));
    expect(await loadBackend("tensorflow", { quiet: true })).toBe("cpu");
    expect(backendMessage()).toBe("nnlab: TensorFlow.js backend = cpu (tfjs-node, wasm unavailable)");
    expect(backendFallbackReasons()).toHaveLength(2);
    expect(backendFallbackReasons()[1]).toMatch(/^wasm failed: Cannot find module '@tensorflow\/tfjs-backend-wasm'/);
  });

  it("without tfjs-node: wasm, with the stable one-line message and the reason", async () => {
    hidden.delete("@tensorflow/tfjs-backend-wasm");
    expect(await loadBackend("tensorflow", { quiet: true })).toBe("wasm");
    expect(tfjs().getBackend()).toBe("wasm");
    expect(backendMessage()).toBe("nnlab: TensorFlow.js backend = wasm (tfjs-node unavailable)");
    expect(backendFallbackReasons()).toEqual(["tfjs-node not installed (npm run setup:tfjs-node builds it)"]);
  });

  it("with tfjs-node but no addon: wasm, and the reason says so", async () => {
    hidden.set("@tensorflow/tfjs-node", noAddon);
    expect(await loadBackend("tensorflow", { quiet: true })).toBe("wasm");
    expect(backendFallbackReasons()).toEqual(["tfjs-node installed without its native addon (npm run setup:tfjs-node builds it)"]);
  });

  it("once tfjs-node is back, asking for it again activates it", async () => {
    hidden.clear();
    const got = await loadBackend("tensorflow", { quiet: true });
    // Where tfjs-node is not set up this stays a fallback; CI has it set up.
    if (inCI() || got === "tensorflow") {
      expect(got, backendFallbackReasons().join("; ")).toBe("tensorflow");
      expect(backendMessage()).toBe("nnlab: TensorFlow.js backend = tensorflow");
    }
  });
});
