// Reading the grader's outputs back, and the checks on their shape that do
// not depend on scores: CSV cells a spreadsheet would run as formulas, HTML
// and links that feedback.md would render, a feedback page that runs script.

export { parseCsv } from "../helpers/csv";

/** A cell a spreadsheet would evaluate: starts with = + - @ (or tab / CR), and is not a plain number. */
export const isFormula = (cell: string) => /^[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?(e-?\d+)?$/.test(cell);

/** A CSV cell with the usual neutralising apostrophe taken off, for comparing paths. */
export const unneutralised = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

/** Problems with feedback.md as Markdown: raw HTML, script links or images outside code blocks, forged structure. */
export function markdownProblems(md: string): string[] {
  const problems: string[] = [];
  let fence: string | undefined;
  let scores = 0;
  let testsHeadings = 0;
  md.split("\n").forEach((line, i) => {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = undefined;
      return;
    }
    if (f) {
      fence = f[1];
      return;
    }
    const at = `line ${i + 1}: ${JSON.stringify(line.slice(0, 120))}`;
    if (/<\s*[A-Za-z!/]/.test(line)) problems.push(`raw HTML outside a code block, ${at}`);
    // A link needs an unescaped "](" or an autolink "<…:"; the bare words are harmless text.
    if (/(?<!\\)\]\(\s*<?\s*(javascript|vbscript|data):|<\s*(javascript|vbscript|data):/i.test(line)) problems.push(`a script link outside a code block, ${at}`);
    if (/!\[[^\]]*\]\(/.test(line)) problems.push(`an image outside a code block, ${at}`);
    if (/\*\*Score:\*\*/.test(line)) scores++;
    if (/^## Tests\s*$/.test(line)) testsHeadings++;
  });
  if (fence) problems.push(`a code block (${fence}) is never closed`);
  if (scores !== 1) problems.push(`"**Score:**" appears ${scores} times outside code blocks (forged?)`);
  if (testsHeadings > 1) problems.push(`"## Tests" appears ${testsHeadings} times outside code blocks (forged?)`);
  return problems;
}

/** Problems with feedback.html: a tag (escaped text does not count) that could run script or load remote content. */
export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  for (const m of html.matchAll(/<[^>]*>/g)) {
    const tag = m[0];
    if (/^<\s*(script|img|iframe|object|embed|svg|link|base|form)\b/i.test(tag) || /^<\s*meta\b[^>]*http-equiv/i.test(tag)) problems.push(`an element that runs or loads something: ${JSON.stringify(tag.slice(0, 120))}`);
    else if (/\son[a-z]+\s*=/i.test(tag)) problems.push(`an event-handler attribute: ${JSON.stringify(tag.slice(0, 120))}`);
    else if (/(href|src|action)\s*=\s*["']?\s*(javascript|data|vbscript):/i.test(tag)) problems.push(`a script URL: ${JSON.stringify(tag.slice(0, 120))}`);
  }
  const open = (html.match(/<pre[\s>]/g) ?? []).length;
  const close = (html.match(/<\/pre>/g) ?? []).length;
  if (open !== close) problems.push(`<pre> opened ${open} times, closed ${close} times`);
  return problems;
}
