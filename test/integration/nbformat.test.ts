// Notebook files (tools/notebook): reading with clear errors, cell ids, and
// writing byte-for-byte what Python's nbformat (i.e. Jupyter) writes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Notebook,
  NotebookError,
  RawNumber,
  parseNotebook,
  parsePyJson,
  pyFloatRepr,
  pySplitLines,
  readNotebookFile,
  serializeNotebook,
  stringifyPyJson,
  validateNotebook,
} from "../../tools/notebook";
import { runPython } from "../helpers/jupyter";

const FIXTURES = path.join(__dirname, "..", "fixtures", "notebooks");

function minimal(cells: unknown[], minor = 5, metadata: Record<string, unknown> = {}): string {
  return JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: minor });
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof NotebookError) return e.code;
    throw e;
  }
  return undefined;
}

describe("reading: clear errors for what is not a usable notebook", () => {
  it("empty file", () => {
    expect(codeOf(() => parseNotebook(""))).toBe("EMPTY");
    expect(codeOf(() => parseNotebook(Buffer.from(" \n\t")))).toBe("EMPTY");
  });

  it("invalid JSON, with the line and column", () => {
    expect(() => parseNotebook('{\n "cells": [,]\n}', "broken.ipynb")).toThrow(/broken\.ipynb: is not valid JSON: Expecting value at line 2, column 12/);
    expect(codeOf(() => parseNotebook('{"a": 1} trailing'))).toBe("INVALID_JSON");
  });

  it("nbformat 3, with the command that converts it", () => {
    const v3 = JSON.stringify({ metadata: { name: "" }, nbformat: 3, nbformat_minor: 0, worksheets: [{ cells: [] }] });
    expect(() => parseNotebook(v3)).toThrow("convert it with jupyter nbconvert --to notebook --nbformat 4");
    expect(codeOf(() => parseNotebook(v3))).toBe("NBFORMAT_3");
  });

  it("bytes that are not UTF-8, with the offset", () => {
    const bytes = Buffer.concat([Buffer.from('{"cells": [], "metadata": {"x": "'), Buffer.from([0xe9]), Buffer.from('"}}')]);
    expect(codeOf(() => parseNotebook(bytes))).toBe("NOT_UTF8");
    expect(() => parseNotebook(bytes)).toThrow(/invalid byte 0xe9 at offset 33/);
  });

  it("JSON that is not a notebook, or a version we do not read", () => {
    expect(codeOf(() => parseNotebook("[1, 2]"))).toBe("NOT_A_NOTEBOOK");
    expect(codeOf(() => parseNotebook('{"cells": []}'))).toBe("NOT_A_NOTEBOOK");
    expect(codeOf(() => parseNotebook('{"nbformat": 4, "cells": [], "metadata": {}}'))).toBe("NOT_A_NOTEBOOK");
    expect(codeOf(() => parseNotebook(minimal([{ cell_type: "code", source: 5 }])))).toBe("NOT_A_NOTEBOOK");
    expect(codeOf(() => parseNotebook('{"nbformat": 5, "nbformat_minor": 0, "cells": [], "metadata": {}}'))).toBe("UNSUPPORTED_VERSION");
  });

  it("missing paths and directories", () => {
    expect(() => readNotebookFile(path.join(FIXTURES, "missing.ipynb"))).toThrow(/missing\.ipynb: no such file/);
    expect(() => readNotebookFile(FIXTURES)).toThrow(/is a directory/);
  });
});

describe("reading: normalisation", () => {
  const cells = [
    { cell_type: "markdown", metadata: {}, source: ["# T\n", "text"] },
    { cell_type: "code", metadata: { trusted: true, tags: ["x"] }, source: "1", outputs: [], execution_count: null },
  ];

  it("adds nbformat 4.5 cell ids where missing, the same ids on every read, and raises the minor version", () => {
    const a = parseNotebook(minimal(cells, 4));
    const b = parseNotebook(minimal(cells, 4));
    expect(a.nbformat_minor).toBe(5);
    expect(a.cells.map((c) => c.id)).toEqual(b.cells.map((c) => c.id));
    expect(new Set(a.cells.map((c) => c.id)).size).toBe(2);
    expect(validateNotebook(a)).toEqual({ valid: true, errors: [] });
  });

  it("keeps existing ids and replaces duplicates", () => {
    const nb = parseNotebook(minimal(cells.map((c) => ({ ...c, id: "same" }))));
    expect(nb.cells[0].id).toBe("same");
    expect(nb.cells[1].id).not.toBe("same");
  });

  it("joins multi-line text and drops transient fields as nbformat does", () => {
    const nb = parseNotebook(minimal(cells, 5, { signature: "sha256:x", kernelspec: { name: "tslab", display_name: "TypeScript" } }));
    expect(nb.cells[0].source).toBe("# T\ntext");
    expect(nb.cells[1].metadata).toEqual({ tags: ["x"] });
    expect(nb.metadata).toEqual({ kernelspec: { name: "tslab", display_name: "TypeScript" } });
  });
});

describe("writing: Python's json.dumps(sort_keys=True, indent=1, ensure_ascii=False)", () => {
  it("splits lines at every boundary Python's str.splitlines knows", () => {
    expect(pySplitLines("a\r\nb\rc\nd")).toEqual(["a\r\n", "b\r", "c\n", "d"]);
    expect(pySplitLines("x\u2028y\u0085z\u000bw\u001cv")).toEqual(["x\u2028", "y\u0085", "z\u000b", "w\u001c", "v"]);
    expect(pySplitLines("")).toEqual([]);
    expect(pySplitLines("only\n")).toEqual(["only\n"]);
  });

  it("sorts keys by code point, integer-like keys as text", () => {
    const text = stringifyPyJson({ "\u{1F600}": 1, "\uff5e": 2, "10": 3, "9": 4, b: 5, B: 6 });
    const order = [...text.matchAll(/"([^"]+)":/g)].map((m) => m[1]);
    expect(order).toEqual(["10", "9", "B", "b", "\uff5e", "\u{1F600}"]);
  });

  it("keeps unknown metadata, number spellings and odd keys through a round trip", () => {
    const meta = '{"custom": {"f": 1.0, "e": 1E5, "big": 123456789012345678901234567890, "nan": NaN, "__proto__": {"p": [0.5, -0.0]}}}';
    const text = `{\n "cells": [],\n "metadata": ${meta},\n "nbformat": 4,\n "nbformat_minor": 5\n}`;
    const nb = parseNotebook(text);
    const custom = nb.metadata.custom as Record<string, unknown>;
    expect(custom.f).toBeInstanceOf(RawNumber);
    expect(Number(custom.f)).toBe(1);
    expect(Object.keys(custom)).toContain("__proto__");
    const out = serializeNotebook(nb);
    for (const piece of ['"f": 1.0', '"e": 1E5', '"big": 123456789012345678901234567890', '"nan": NaN', '"__proto__": {', "-0.0"]) {
      expect(out).toContain(piece);
    }
    expect(parsePyJson(out)).toBeTruthy();
  });
});

describe("validation against the nbformat 4.5 schema", () => {
  it("accepts the fixtures and names the problem in a broken notebook", () => {
    for (const f of ["basics.ipynb", "throws.ipynb"]) expect(validateNotebook(readNotebookFile(path.join(FIXTURES, f))).errors).toEqual([]);
    const nb = readNotebookFile(path.join(FIXTURES, "throws.ipynb"));
    (nb.cells[1] as unknown as Record<string, unknown>).outputs = [{ output_type: "stream", text: "x" }];
    (nb.cells[0] as unknown as Record<string, unknown>).id = "not valid!";
    const r = validateNotebook(nb);
    expect(r.valid).toBe(false);
    expect(r.errors).toContain("cells/1/outputs/0: must have required property 'name'");
    expect(r.errors.some((e) => e.startsWith("cells/0/id: must match pattern"))).toBe(true);
  });
});

// ------------------------------------------------------------------ against Python's nbformat

describe("byte-identical to Python nbformat", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-nbformat-"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function python(code: string, ...args: string[]): Promise<string> {
    const r = await runPython(["-c", code, ...args]);
    if (r.code !== 0) throw new Error(`python failed (${r.code}):\n${r.stderr}`);
    return r.stdout;
  }

  it("reads and rewrites a notebook written by nbformat without changing a byte", async () => {
    const file = path.join(tmp, "py.ipynb");
    await python(
      `
import sys, nbformat
from nbformat.v4 import new_notebook, new_code_cell, new_markdown_cell, new_raw_cell, new_output
nb = new_notebook()
nb.metadata["kernelspec"] = {"name": "tslab", "display_name": "TypeScript", "language": "typescript"}
nb.metadata["custom"] = {"floats": [1.0, 0.1, 1e-05, 1e16, 1.5e16, 123456789.123, -0.0, 2.5e-7, 1e22, 3],
    "big": 12345678901234567890, "nan": float("nan"), "inf": float("-inf"),
    "keys": {"10": 1, "9": 2, "a/b": "x/y", "\\u00e9": "\\u00fc", "\\U0001F600": "smile", "\\uff5e": "fullwidth", "": "empty"}}
nb.cells.append(new_markdown_cell("# Title \\u00e9 \\U0001F600\\nline2\\r\\nline3\\u2028line4\\x0bv\\x0cf\\x1cfs\\x85nel\\u2029ps\\n\\ttab \\"q\\" back\\\\slash </script>"))
c = new_code_cell("const x: number = 1;\\nconsole.log(\\"a\\\\tb\\", x)\\n\\n", execution_count=3)
c.outputs = [new_output("stream", name="stdout", text="a\\tb 1\\nctl:\\x01\\x1f\\x7f\\rprogress\\n"),
    new_output("display_data", data={"text/plain": "hi\\nthere", "text/html": "<b>x</b>\\n", "application/json": {"a": [1, 2.0]},
        "image/png": "iVBOR=\\n", "image/svg+xml": "<svg>\\n</svg>", "application/vnd.custom+json": {"k": "v"}}, metadata={"isolated": True}),
    new_output("execute_result", data={"text/plain": "42"}, execution_count=3),
    new_output("error", ename="RangeError", evalue="bad\\nvalue", traceback=["line 1", "line 2\\n"])]
c.metadata["tags"] = ["t"]
c.metadata["collapsed"] = False
nb.cells.append(c)
nb.cells.append(new_code_cell(""))
nb.cells.append(new_raw_cell("raw\\n"))
nbformat.write(nb, sys.argv[1])
`,
      file,
    );
    const bytes = fs.readFileSync(file);
    expect(serializeNotebook(parseNotebook(bytes))).toBe(bytes.toString("utf8"));
  });

  it("round-trips the fixture notebooks unchanged", () => {
    for (const f of fs.readdirSync(FIXTURES).filter((n) => n.endsWith(".ipynb"))) {
      const text = fs.readFileSync(path.join(FIXTURES, f), "utf8");
      expect(serializeNotebook(parseNotebook(text)), f).toBe(text);
    }
  });

  it("writes new content (executed outputs) exactly as nbformat would", async () => {
    const nb: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" }, zeta: { "2": 2, "10": 10 } },
      cells: [
        {
          cell_type: "code",
          id: "a1",
          metadata: {},
          source: "console.log('é\\u2028')\r\nx",
          execution_count: 1,
          outputs: [
            { output_type: "stream", name: "stdout", text: "one\ntwo\r\nthree\u2028four" },
            { output_type: "display_data", data: { "text/plain": "a\nb", "application/json": { z: 1, a: [0.1, 2] } }, metadata: {} },
            { output_type: "error", ename: "Error", evalue: "boom", traceback: ["Error: boom", "    at x"] },
          ],
        },
        { cell_type: "markdown", id: "b2", metadata: { note: "/slash/ \u0000 \u007f" }, source: "" },
      ],
    };
    const ours = serializeNotebook(nb);
    const file = path.join(tmp, "ours.ipynb");
    fs.writeFileSync(file, ours);
    const theirs = await python("import sys, nbformat\nnb = nbformat.read(sys.argv[1], as_version=4)\nsys.stdout.write(nbformat.writes(nb) + '\\n')", file);
    expect(ours).toBe(theirs);
  });

  it("prints floats exactly as Python's repr does", async () => {
    const text = await python(`
import random, struct
rng = random.Random(7)
xs = [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(3000)]
xs = [x for x in xs if x == x and abs(x) != float("inf")]
xs += [rng.uniform(-1, 1) * 10 ** rng.randint(-8, 20) for _ in range(3000)]
xs += [0.0001, 0.00001, 1e15, 1e16, 123.0, -0.0, 5e-324, 1.7976931348623157e308]
print("\\n".join(repr(x) for x in xs))
`);
    const reprs = text.trim().split("\n");
    expect(reprs.length).toBeGreaterThan(5000);
    const mismatches = reprs.filter((r) => pyFloatRepr(Number(r)) !== r);
    expect(mismatches).toEqual([]);
  });
});
