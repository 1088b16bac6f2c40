// "Nothing is written outside the output folder": snapshots of folders taken
// before and after the batch, and a search for files named with the run's canary.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** The entries of folder d; none when it cannot be read (gone, or no permission). */
function entriesOf(d: string): fs.Dirent[] {
  try {
    return fs.readdirSync(d, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Every entry under dir (links not followed): relative path → type, size, mtime and content hash. */
export function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of entriesOf(d)) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) out.set(rel, `link → ${fs.readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(rel, `dir mode ${st.mode.toString(8)}`);
        walk(p);
      } else out.set(rel, `file mode ${st.mode.toString(8)} size ${st.size} mtime ${st.mtimeMs} sha256 ${createHash("sha256").update(fs.readFileSync(p)).digest("hex").slice(0, 16)}`);
    }
  };
  walk(dir);
  return out;
}

/** What changed between two snapshots, one line each. */
export function diffTrees(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [k, v] of after) {
    if (!before.has(k)) changes.push(`created ${k} (${v})`);
    else if (before.get(k) !== v) changes.push(`changed ${k}: ${before.get(k)} → ${v}`);
  }
  for (const k of before.keys()) if (!after.has(k)) changes.push(`deleted ${k}`);
  return changes;
}

/** Entries whose name matches, down to `depth` levels (node_modules and .git are not entered below the top). */
export function findNames(root: string, match: (name: string) => boolean, depth: number): string[] {
  const found: string[] = [];
  const walk = (d: string, level: number) => {
    for (const e of entriesOf(d)) {
      const p = path.join(d, e.name);
      if (match(e.name)) found.push(p);
      if (e.isDirectory() && level < depth && !(level > 0 && (e.name === "node_modules" || e.name === ".git"))) walk(p, level + 1);
    }
  };
  walk(root, 0);
  return found;
}

/** Files Node itself writes when asked (trace events, diagnostic reports, heap snapshots, profiles). */
export const NODE_WRITTEN = /^(node_trace\.\d+\.log|report\.\d{8}\.\d{6}\.\d+\.\d+\.\d+\.json|.*\.heapsnapshot|.*\.cpuprofile|.*\.heapprofile|isolate-0x[0-9a-f]+-.*\.log)$/;
