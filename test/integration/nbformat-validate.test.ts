// Every notebook in the repository passes Python's own `nbformat.validate`
// (the reference implementation JupyterLab and nbclient use), not only our
// TypeScript validator. "In the repository" = tracked by git plus new files
// git does not ignore, so a notebook is checked before it is committed too.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, rel, runPython } from "../helpers/jupyter";

const SKIP_DIRS = new Set(["node_modules", ".venv", ".git", "dist", ".ipynb_checkpoints", "artifacts"]);

function walk(dir: string, out: string[]): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(path.join(dir, entry.name), out);
    } else if (entry.name.endsWith(".ipynb")) out.push(path.join(dir, entry.name));
  }
  return out;
}

function repoNotebooks(): string[] {
  try {
    const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.ipynb"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return listed
      .split("\0")
      .filter(Boolean)
      .map((f) => path.join(ROOT, f))
      .filter((f) => fs.existsSync(f)) // deleted but not yet committed
      .sort();
  } catch {
    return walk(ROOT, []).sort(); // not a git checkout (e.g. an unpacked archive)
  }
}

// One Python process validates them all: per file "ok" or the first problem.
const VALIDATE = `
import json, sys, nbformat
results = {}
for path in sys.argv[1:]:
    try:
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        if nb.get("nbformat") != 4:
            raise ValueError("nbformat %r, expected 4" % nb.get("nbformat"))
        nbformat.validate(nb)
        results[path] = "ok"
    except Exception as e:
        results[path] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
print(json.dumps(results))
`;

const notebooks = repoNotebooks();

describe("nbformat.validate (Python) on every notebook in the repository", () => {
  let results: Record<string, string> = {};

  beforeAll(async () => {
    if (notebooks.length === 0) return;
    const r = await runPython(["-c", VALIDATE, ...notebooks]);
    if (r.code !== 0) throw new Error(`nbformat validation script failed:\n${r.stderr}`);
    results = JSON.parse(r.stdout);
  }, 600_000);

  it("finds notebooks to check", () => {
    expect(notebooks.length).toBeGreaterThan(0);
  });

  it.each(notebooks.map((f) => [rel(f), f]))("%s is valid nbformat 4", (_name, file) => {
    expect(results[file]).toBe("ok");
  });
});
