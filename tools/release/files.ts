// Files of a release, held in memory until they are checked, then written
// in sorted order. Nothing here reads a clock: same input, same bytes.
import fs from "node:fs";
import path from "node:path";

/** Relative path (always with "/") → content. */
export type FileSet = Map<string, Buffer>;

/** Names never taken into a release: editor and tool droppings. */
const SKIP = new Set([".ipynb_checkpoints", "node_modules", "__pycache__", ".DS_Store"]);

/** Every regular file under `dir` (relative to `root`), sorted, dotfiles and checkpoints skipped; links refused. */
export function listFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (SKIP.has(e.name) || e.name.startsWith(".")) continue;
      const child = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isSymbolicLink()) throw new ReleaseError(`${child} is a symbolic link; a release copies files, so replace it with the file itself`);
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  if (fs.existsSync(path.join(root, dir))) walk(dir);
  return out;
}

export class ReleaseError extends Error {}

/**
 * Writes the set into `outDir`. An existing non-empty folder is refused
 * unless `replace`, which empties it first but keeps `.git` (so the edition
 * can live in a student repository and be committed release after release).
 */
export function writeFileSet(files: FileSet, outDir: string, replace: boolean): void {
  if (fs.existsSync(outDir)) {
    if (!fs.statSync(outDir).isDirectory()) throw new ReleaseError(`--out ${outDir} exists and is not a folder`);
    const present = fs.readdirSync(outDir).filter((n) => n !== ".git");
    if (present.length > 0 && !replace) throw new ReleaseError(`--out ${outDir} is not empty; add --force to replace its contents (a .git folder is kept)`);
    for (const n of present) fs.rmSync(path.join(outDir, n), { recursive: true, force: true });
  }
  for (const rel of [...files.keys()].sort()) {
    const target = path.join(outDir, ...rel.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, files.get(rel)!);
  }
}

/** UTF-8 text of every file, for the leak search. */
export function asText(files: FileSet): Map<string, string> {
  return new Map([...files].map(([k, v]) => [k, v.toString("utf8")]));
}
