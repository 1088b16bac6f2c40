// What must never reach a grader's output, and a search for it in every
// encoding a submission could use to smuggle it past a plain-text scrubber.
//
// Secrets: each hidden region's lines and string literals (tools/assignment's
// hiddenFragments), the messages of its check calls (static parts of template
// literals too), and the numbers in their expected arguments. Left out, to
// avoid false alarms: anything that also occurs in the visible student
// version, numbers of fewer than three digits or that occur in
// `nnlab grade --help` (limits), and, per output, what the submission's own
// text contains (a student may print what it wrote itself).
import ts from "typescript";
import type { Notebook } from "../../tools/notebook";
import { cellRole, hiddenFragments, splitRegions } from "../../tools/assignment";

export interface Secret {
  text: string;
  kind: "hidden code" | "message" | "expected number";
}

export interface Finding {
  secret: Secret;
  view: string;
  context: string;
}

const MESSAGE_ARG: Record<string, number> = { equal: 2, close: 3, throws: 2, ok: 1 };
const EXPECTED_ARG: Record<string, number> = { equal: 1, close: 1 };

/** Static pieces of a string or template literal. */
function literalPieces(node: ts.Node): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
  return [];
}

function checkCallParts(code: string): { messages: string[]; numbers: string[] } {
  const messages: string[] = [];
  const numbers: string[] = [];
  const file = ts.createSourceFile("hidden.ts", code, ts.ScriptTarget.ES2022, true);
  const numbersIn = (n: ts.Node) => {
    if (ts.isNumericLiteral(n)) {
      const neg = ts.isPrefixUnaryExpression(n.parent) && n.parent.operator === ts.SyntaxKind.MinusToken;
      numbers.push((neg ? "-" : "") + n.text);
    }
    ts.forEachChild(n, numbersIn);
  };
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.expression.getText(file) === "check") {
      const name = n.expression.name.text;
      const m = n.arguments[MESSAGE_ARG[name] ?? -1];
      if (m) messages.push(...literalPieces(m));
      const e = n.arguments[EXPECTED_ARG[name] ?? -1];
      if (e) numbersIn(e);
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return { messages, numbers };
}

// A whole number token: not part of a longer number, word or hash, nor an item of a list of numbers (char codes).
const numberRe = (n: string) => new RegExp(`(?<![0-9A-Za-z.]|\\d,\\s?)${n.replace(/[.\-]/g, "\\$&")}(?![0-9A-Za-z]|\\.\\d|,\\s?\\d)`);

export function collectSecrets(solution: Notebook, visibleText: string, helpText: string): Secret[] {
  const out = new Map<string, Secret>();
  // Hints (`// hint: …` above a hidden check) are published on purpose when the check fails.
  const hints = solution.cells.flatMap((c) => [...c.source.matchAll(/^\s*\/\/\s*hint:\s*(.+)$/gim)].map((m) => m[1].trim()));
  const add = (text: string, kind: Secret["kind"]) => {
    const t = text.trim();
    if (/^\/\/\s*hint:/i.test(t) || hints.some((h) => h.includes(t) || squash(h).includes(squash(t)))) return;
    if (kind === "expected number") {
      if (t.replace(/[-.]/g, "").length < 3 || numberRe(t).test(visibleText) || numberRe(t).test(helpText)) return;
    } else if (t.length < 5 || visibleText.includes(t)) return;
    if (!out.has(t)) out.set(t, { text: t, kind });
  };
  solution.cells.forEach((cell, k) => {
    if (cellRole(cell) !== "test") return;
    for (const seg of splitRegions(cell.source)) {
      if (seg.kind !== "hidden") continue;
      const { messages, numbers } = checkCallParts(seg.text);
      for (const m of messages) add(m, "message");
      for (const n of numbers) add(n, "expected number");
    }
    for (const f of hiddenFragments(cell.source, `cell ${k + 1}`)) for (const piece of f.split(/\$\{[^}]*\}/)) add(piece, "hidden code");
  });
  return [...out.values()];
}

// ---- decoding views of an output text

const rot13 = (s: string) => s.replace(/[a-zA-Z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - (c <= "Z" ? 65 : 97) + 13) % 26) + (c <= "Z" ? 65 : 97)));
const jsonUnescape = (s: string) =>
  s.replace(/\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\([nrt"\\/])/g, (_, u, x, c) => (u ? String.fromCharCode(parseInt(u, 16)) : x ? String.fromCharCode(parseInt(x, 16)) : ({ n: "\n", r: "\r", t: "\t" } as Record<string, string>)[c] ?? c));
const htmlUnescape = (s: string) =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos|#39);/g, (_, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ({ lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", "#39": "'" } as Record<string, string>)[e]);
const urlDecode = (s: string) => s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ""), "hex").toString("utf8"));
const base64Runs = (s: string) => {
  const out: string[] = [];
  for (const run of s.replace(/\\n|\s+(?=[A-Za-z0-9+/]{8})/g, "").match(/[A-Za-z0-9+/_-]{12,}={0,2}/g) ?? []) {
    for (let o = 0; o < 4; o++) for (const enc of ["base64", "base64url"] as const) out.push(Buffer.from(run.slice(o), enc).toString("utf8"));
  }
  return out.join("\n");
};
const hexRuns = (s: string) => {
  const out: string[] = [];
  for (const run of s.match(/[0-9a-fA-F]{16,}/g) ?? []) for (let o = 0; o < 2; o++) out.push(Buffer.from(run.slice(o, o + 2 * Math.floor((run.length - o) / 2)), "hex").toString("utf8"));
  return out.join("\n");
};
const charCodes = (s: string) =>
  (s.match(/\b\d{1,5}(?:\s*[,;]\s*\d{1,5}){7,}/g) ?? []).map((run) => run.split(/\s*[,;]\s*/).map((n) => String.fromCharCode(Number(n))).join("")).join("\n");

/** The text as a submission might have encoded it, decoded every way we know (two levels deep). */
export function views(text: string): Record<string, string> {
  const first: Record<string, string> = {
    raw: text,
    "JSON-escaped": jsonUnescape(text),
    "HTML-escaped": htmlUnescape(text),
    "URL-encoded": urlDecode(text),
    "URL-encoded (+)": urlDecode(text.replace(/\+/g, " ")),
    reversed: [...text].reverse().join(""),
    rot13: rot13(text),
  };
  const all: Record<string, string> = { ...first };
  for (const [name, v] of Object.entries(first)) {
    all[`base64 in ${name}`] = base64Runs(v);
    all[`hex in ${name}`] = hexRuns(v);
    all[`char codes in ${name}`] = charCodes(v);
  }
  for (const name of ["base64 in raw", "base64 in JSON-escaped", "hex in raw"]) all[`reversed ${name}`] = [...all[name]].reverse().join("");
  return all;
}

const squash = (s: string) => s.replace(/[^A-Za-z0-9]/g, "").toLowerCase();

/** Hidden secrets found in `text`, skipping those its own submission contains. */
export function findLeaks(text: string, secrets: Secret[], ownText: string): Finding[] {
  const findings: Finding[] = [];
  const v = views(text);
  const squashed = Object.fromEntries(Object.entries(v).map(([k, s]) => [k, squash(s)]));
  const ownSquashed = squash(ownText);
  for (const secret of secrets) {
    const isNumber = secret.kind === "expected number";
    if (isNumber ? numberRe(secret.text).test(ownText) : ownText.includes(secret.text)) continue;
    const sq = squash(secret.text);
    const trySquash = !isNumber && /[a-z]/.test(sq) && sq.length >= 12 && !ownSquashed.includes(sq);
    for (const [name, view] of Object.entries(v)) {
      const at = isNumber ? view.search(numberRe(secret.text)) : view.indexOf(secret.text);
      if (at >= 0) {
        findings.push({ secret, view: name, context: view.slice(Math.max(0, at - 40), at + secret.text.length + 40) });
        break;
      }
      if (trySquash && squashed[name].includes(sq)) {
        findings.push({ secret, view: `${name}, separators removed`, context: sq });
        break;
      }
    }
  }
  return findings;
}
