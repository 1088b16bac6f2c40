// Student names from submission paths, stable whatever the batch or shard:
//   subs/alice.ipynb, subs/bob.ipynb                 → alice, bob
//   submitted/alice/ps1/squares.ipynb, submitted/bob/…  → alice, bob
// (the leading and trailing path parts that every submission shares are
// dropped; what is left names the student). Names are made safe for folder names; duplicates get -2, -3.
import path from "node:path";

function parts(file: string): string[] {
  const p = path.resolve(file).split(path.sep).filter(Boolean);
  p[p.length - 1] = p[p.length - 1].replace(/\.ipynb$/i, "");
  return p;
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._@+-]+/g, "_").replace(/^[._]+/, "") || "submission";

/** One id per path, in the same order. */
export function studentIds(files: string[]): string[] {
  const all = files.map(parts);
  let prefix = 0;
  while (all.every((p) => prefix < p.length - 1 && p[prefix] === all[0][prefix])) prefix++;
  let suffix = 0;
  while (all.every((p) => suffix < p.length - prefix - 1 && p[p.length - 1 - suffix] === all[0][all[0].length - 1 - suffix])) suffix++;
  const ids = all.map((p) => (all.length === 1 ? p[p.length - 1] : p.slice(prefix, p.length - suffix).join("-") || p[p.length - 1]));
  const seen = new Map<string, number>();
  return ids.map((raw) => {
    const id = safe(raw);
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? id : `${id}-${n}`;
  });
}
