// Student names from submission paths, stable whatever the batch or shard:
//   subs/alice.ipynb, subs/bob.ipynb                 → alice, bob
//   submitted/alice/ps1/squares.ipynb, submitted/bob/…  → alice, bob
// (the leading and trailing path parts that every submission shares are
// dropped; what is left names the student, parts joined by "/", which the
// encoding turns into "_2F"). Names are made safe for folder names by an
// injective encoding (safeId), so two submissions never share an id.
import { createHash } from "node:crypto";
import path from "node:path";

function parts(file: string): string[] {
  const p = path.resolve(file).split(path.sep).filter(Boolean);
  p[p.length - 1] = p[p.length - 1].replace(/\.ipynb$/i, "");
  return p;
}

/**
 * A folder-safe name for a path part, injective by construction: letters,
 * digits and "-", "+", "@" and "." (except leading) stay, every other
 * character (and "_" itself) becomes "_" plus its hex code. So "_victim" and
 * "victim" stay different ids, and no id can replace another's row.
 */
export function safeId(raw: string): string {
  let out = "";
  for (const ch of raw) {
    const keep = /[A-Za-z0-9+@-]/.test(ch) || (ch === "." && out !== "");
    const code = ch.codePointAt(0)!;
    // "_XX" for one byte, "_uXXXX_" beyond: decodable, hence injective.
    out += keep ? ch : code <= 0xff ? "_" + code.toString(16).toUpperCase().padStart(2, "0") : `_u${code.toString(16).toUpperCase()}_`;
  }
  if (out === "") return "_";
  // File names have a length limit: a long name keeps its start and a hash of the whole ("_h" never occurs otherwise).
  return out.length <= 200 ? out : `${out.slice(0, 180)}_h${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`;
}

/** One id per path, in the same order; distinct paths always get distinct ids. */
export function studentIds(files: string[]): string[] {
  const all = files.map(parts);
  let prefix = 0;
  while (all.every((p) => prefix < p.length - 1 && p[prefix] === all[0][prefix])) prefix++;
  let suffix = 0;
  while (all.every((p) => suffix < p.length - prefix - 1 && p[p.length - 1 - suffix] === all[0][all[0].length - 1 - suffix])) suffix++;
  const ids = all.map((p) => safeId(all.length === 1 ? p[p.length - 1] : p.slice(prefix, p.length - suffix).join("/") || p[p.length - 1]));
  // Still distinct on case-insensitive file systems (macOS, Windows): "~" never appears in an encoded id.
  const seen = new Map<string, number>();
  return ids.map((id) => {
    const folded = id.toLowerCase();
    const n = (seen.get(folded) ?? 0) + 1;
    seen.set(folded, n);
    return n === 1 ? id : `${id}~${n}`;
  });
}
