// The leak search of the attack batch must find what it looks for: each
// secret kind, in every encoding the batch claims to see through, and must
// not fire on the grader's ordinary text.
import { describe, expect, it } from "vitest";
import path from "node:path";
import { readNotebookFile, serializeNotebook } from "../../tools/notebook";
import { generateStudentVersion } from "../../tools/assignment";
import { collectSecrets, findLeaks } from "./leaks";
import { htmlProblems, isFormula, markdownProblems, parseCsv } from "./outputs";

const solution = readNotebookFile(path.join(__dirname, "..", "..", "solutions", "E01-parameter-counting.ipynb"));
const student = generateStudentVersion(solution);
const secrets = collectSecrets(solution, serializeNotebook(student) + student.cells.map((c) => c.source).join("\n"), "(default 2000)");
const line = 'check.equal(countWeights([784, 100, 10]), 79400, "(784, 100, 10)");';
const rot13 = (s: string) => s.replace(/[a-zA-Z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - (c <= "Z" ? 65 : 97) + 13) % 26) + (c <= "Z" ? 65 : 97)));

describe("the leak search", () => {
  it("collects hidden lines, messages and expected numbers, but nothing visible", () => {
    const texts = secrets.map((s) => s.text);
    expect(texts).toEqual(expect.arrayContaining([line, "a fractional layer size", "79400", "2110"]));
    expect(texts).not.toContain("108"); // a visible expected value
    expect(texts).not.toContain("2000"); // in --help (a limit)
    expect(texts).not.toContain("the linear model (10, 1)"); // also a visible message
  });

  const encodings: Record<string, (s: string) => string> = {
    raw: (s) => s,
    base64: (s) => Buffer.from(s).toString("base64"),
    "base64 shifted by one": (s) => Buffer.from("x" + s).toString("base64"),
    base64url: (s) => Buffer.from(s).toString("base64url"),
    hex: (s) => Buffer.from(s).toString("hex"),
    "URL-encoded": encodeURIComponent,
    reversed: (s) => [...s].reverse().join(""),
    rot13,
    "JSON-escaped twice": (s) => JSON.stringify(JSON.stringify(s)),
    "HTML-escaped": (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;"),
    "char codes": (s) => [...s].map((c) => c.charCodeAt(0)).join(","),
    "base64 inside JSON": (s) => JSON.stringify({ out: Buffer.from(s).toString("base64") }),
    "reversed base64": (s) => [...Buffer.from(s).toString("base64")].reverse().join(""),
    "separators removed": (s) => s.replace(/[^A-Za-z0-9]/g, ""),
  };
  it.each(Object.keys(encodings))("finds a hidden line written %s", (name) => {
    const text = `Score: 0 / 13\nsome output ${encodings[name](line)} more output\n`;
    expect(findLeaks(text, secrets, "").map((f) => f.secret.text)).toContain(line);
  });

  it("finds a hidden expected number alone, base64-encoded, and not inside hashes, times or char-code lists", () => {
    expect(findLeaks("value is 79400", secrets, "").map((f) => f.secret.text)).toContain("79400");
    expect(findLeaks(Buffer.from("got 2110 there").toString("base64"), secrets, "").map((f) => f.secret.text)).toContain("2110");
    const ordinary = '{"submission_sha256":"a179400b","execution_time":12.1201,"graded_at":"2026-01-01T06:21:10.125Z","codes":"110,110,108"}';
    expect(findLeaks(ordinary, secrets, "")).toEqual([]);
  });

  it("does not count what the submission itself contains", () => {
    expect(findLeaks(`printed ${line}`, secrets, `console.log(${JSON.stringify(line)})\n${line}`).map((f) => f.secret.text)).not.toContain(line);
  });
});

describe("output checks", () => {
  it("CSV: quoted fields, formulas but not numbers", () => {
    expect(parseCsv('a,"b,""c""\nd",e\r\n1,2,3\n')).toEqual([["a", 'b,"c"\nd', "e"], ["1", "2", "3"]]);
    expect(["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1"].every(isFormula)).toBe(true);
    expect(["-1.5", "13", "alice", "'=1+1"].some(isFormula)).toBe(false);
  });

  it("markdown: live HTML, links and images outside code blocks; forged score lines", () => {
    const base = "**Score:** 0 / 13\n\n## Tests\n\n```\n<script>x</script> [a](javascript:x) ![i](http://e/x.png)\n```\n";
    expect(markdownProblems(base)).toEqual([]);
    expect(markdownProblems(base + "- <img src=x>\n")).toHaveLength(1);
    expect(markdownProblems(base + "- [a](javascript:alert(1))\n")).toHaveLength(1);
    expect(markdownProblems(base + "- x\\](javascript:alert(1))\n")).toEqual([]);
    expect(markdownProblems(base + "![i](http://e/x.png)\n")).toHaveLength(1);
    expect(markdownProblems(base + "**Score:** 13 / 13\n")).toHaveLength(1);
    expect(markdownProblems(base + "```\nopen")).toHaveLength(1);
  });

  it("HTML: tags that run or load things, not escaped text", () => {
    expect(htmlProblems('<meta charset="utf-8"><pre>&lt;img src=x onerror=alert(1)&gt; javascript:x</pre>')).toEqual([]);
    expect(htmlProblems("<pre><img src=x></pre>")).toHaveLength(1);
    expect(htmlProblems('<a href="javascript:x">a</a>')).toHaveLength(1);
    expect(htmlProblems("<b onclick=x>a</b>")).toHaveLength(1);
    expect(htmlProblems("<pre>x")).toHaveLength(1);
  });
});
