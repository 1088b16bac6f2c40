// tfjs-node as a user meets it: the `npm run setup:tfjs-node` script, and the
// built library (dist/, through the node_modules/nnlab shim, as a notebook
// imports it) choosing the native backend in a plain Node process.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inCI } from "../helpers/tfjs-backends";

const ROOT = path.resolve(__dirname, "..", "..");
const SETUP = path.join(ROOT, "scripts", "setup-tfjs-node.js");

/** Node in the project folder, without the variables the loader or a user may have set. */
function node(args: string[], extraEnv: Record<string, string> = {}) {
  const env = { ...process.env, ...extraEnv };
  for (const k of ["TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "NNLAB_TFJS_BACKEND"]) if (!(k in extraEnv)) delete env[k];
  return spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: "utf8", timeout: 180_000 });
}

// Set up or not, decided without building anything; CI must have it (.ci/run runs the setup).
const loads = node(["-e", 'require("@tensorflow/tfjs-node")'], { TF_CPP_MIN_LOG_LEVEL: "3", TF_ENABLE_ONEDNN_OPTS: "0" });
const notSetUp = loads.status !== 0 && !inCI();
if (notSetUp) console.warn("skipping the tfjs-node checks: tfjs-node does not load here; run `npm run setup:tfjs-node`");

describe("npm run setup:tfjs-node", () => {
  it("explains itself with --help and refuses an unknown option clearly", () => {
    const help = node([SETUP, "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run setup:tfjs-node/);
    expect(help.stdout).toMatch(/requirements-tfjs-node\.txt/);
    const bad = node([SETUP, "--bogus"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe("[setup:tfjs-node] error: unknown option --bogus (see --help)");
  });

  it("refuses a platform other than Linux x64 before changing anything", () => {
    const fake = `Object.defineProperty(process, "platform", { value: "darwin" });
process.argv = [process.execPath, ${JSON.stringify(SETUP)}, "--force"];
require(${JSON.stringify(SETUP)});`;
    const r = node(["-e", fake]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/this setup supports Linux x64 only \(here: darwin x64\)\. Elsewhere tfjs-node's own install/);
    expect(r.stdout).not.toMatch(/installing|downloading|compiling/);
  });

  it.skipIf(notSetUp)("does nothing, and says so, where tfjs-node already works", () => {
    // (In CI without a working tfjs-node, fail here rather than let this run build it.)
    expect(loads.status, `tfjs-node does not load: ${loads.stderr.slice(-400)}`).toBe(0);
    const r = node([SETUP]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\[setup:tfjs-node\] tfjs-node 4\.22\.0 already works \(TensorFlow 2\.21\.0\); nothing to do$/);
  });
});

describe.skipIf(notSetUp)("the built library on tfjs-node", () => {
  const script = `const n = require("nnlab");
n.loadBackend().then((b) => {
  const tf = n.tfjs();
  console.log(b, tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync()[0], process.env.TF_ENABLE_ONEDNN_OPTS);
});`;

  it("picks the tensorflow backend, says so in one line, and keeps stderr clean", () => {
    const r = node(["-e", script]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("nnlab: TensorFlow.js backend = tensorflow\ntensorflow 3 0\n");
    expect(r.stderr).toBe(""); // TensorFlow's C++ start-up notices would land in every notebook
  });

  it("leaves a user's own TensorFlow settings alone", () => {
    const r = node(["-e", script], { TF_ENABLE_ONEDNN_OPTS: "1" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tensorflow 3 1\n$/);
    expect(r.stderr).toMatch(/oneDNN custom operations are on/); // TensorFlow read the user's value
  });
});
