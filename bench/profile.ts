// `npm run bench -- --profile N`: where hand-coded P2's time goes. Trains P2
// for N epochs under V8's sampling profiler (node:inspector, in this process)
// and prints the functions with the most samples of their own, as shares of
// the training time. The kernel's WebAssembly functions appear under their
// names in lib/kernels/product.wat.
import { Session } from "node:inspector";
import { Problem, trainHand } from "./sides";
import { formatTable } from "./products";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))),
  );
}

/** "matMul lib/matrix.js:207", "panel12 (wasm)", "(garbage collector)". */
function where(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || "(anonymous)";
  if (url.startsWith("wasm://")) return `${name.replace(/^\$/, "")} (WebAssembly)`;
  if (!url) return name;
  const file = url.replace(/^file:\/\//, "").replace(/.*\/(dist|node_modules)\//, "$1/");
  return `${name} ${file}:${lineNumber + 1}`;
}

/** Self time per function, largest first, of `epochs` epochs of hand-coded P2 (after one warm-up epoch). */
export async function profileHand(p: Problem, epochs: number, top = 25): Promise<string> {
  trainHand(p, 1);
  const session = new Session();
  session.connect();
  try {
    await post(session, "Profiler.enable");
    await post(session, "Profiler.setSamplingInterval", { interval: 100 });
    await post(session, "Profiler.start");
    trainHand(p, epochs);
    const { profile } = await post<{ profile: CpuProfile }>(session, "Profiler.stop");
    const byNode = new Map<number, number>();
    profile.samples.forEach((id, k) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)));
    const self = new Map<string, number>();
    let total = 0;
    for (const node of profile.nodes) {
      const t = byNode.get(node.id) ?? 0;
      if (node.callFrame.functionName === "(idle)" || t === 0) continue;
      total += t;
      self.set(where(node), (self.get(where(node)) ?? 0) + t);
    }
    const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
    return formatTable([
      ["share", "ms per epoch", "function (self time)"],
      ...rows.map(([name, t]) => [`${((100 * t) / total).toFixed(1)}%`, (t / 1000 / epochs).toFixed(1), name]),
      [`${(100 * rows.reduce((s, r) => s + r[1], 0) / total).toFixed(0)}%`, (total / 1000 / epochs).toFixed(1), `all listed / everything sampled`],
    ]);
  } finally {
    session.disconnect();
  }
}
