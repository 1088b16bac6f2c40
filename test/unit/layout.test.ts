// The one-way door between the two rooms (ARCHITECTURE.md): the course
// library in lib/ never imports the tooling in tools/ (notebook files,
// engine, assignment format, grader, CLI). Tooling may import the library.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.(ts|js)$/.test(e.name) ? [p] : [];
  });
}

/** Every module specifier a file imports, requires or re-exports. */
export function specifiers(code: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s*["']([^"']+)["']/g, /\brequire\(\s*["']([^"']+)["']\s*\)/g, /\bimport\(\s*["']([^"']+)["']\s*\)/g, /^\s*import\s*["']([^"']+)["']/gm];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1]);
  return found;
}

describe("layout", () => {
  it("finds imports in every form it checks", () => {
    expect(specifiers(`import { a } from "../tools/x";\nexport * from './y';\nconst z = require("../../tools/z");\nimport("w");\nimport "side";`)).toEqual(["../tools/x", "./y", "../../tools/z", "w", "side"]);
  });

  it("the course library never imports the tooling", () => {
    const tools = path.join(ROOT, "tools");
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, "lib"))) {
      for (const spec of specifiers(fs.readFileSync(file, "utf8"))) {
        const target = spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : "";
        if (target === tools || target.startsWith(tools + path.sep)) offenders.push(`${path.relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
