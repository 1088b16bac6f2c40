// The folder that holds nnlab's package.json, node_modules and dist/ — found by
// walking up, so it is the same from the sources (tests) and from dist/tools/.
import fs from "node:fs";
import path from "node:path";

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(fs.readFileSync(manifest, "utf8")).name === "nnlab") return dir;
      } catch {
        /* not ours: keep walking */
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find nnlab's package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
