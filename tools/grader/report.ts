// Step 3 of grading: the files a grade becomes.
//   DIR/<student>/results.json   Gradescope's autograder format (+ nnlab's details in extra_data)
//   DIR/<student>/feedback.md    for the student
//   DIR/<student>/feedback.html  the same, as a standalone page
//   DIR/grades.csv               one row per submission, failures included
// Every file is written atomically (temporary file, then rename).
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../notebook";
import type { SubmissionResult, TestResult } from "./types";

export const RESULTS_FILE = "results.json";
export const RESULTS_VERSION = 1;

/** Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/). */
export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  visibility: "visible" | "hidden" | "after_due_date" | "after_published";
  stdout_visibility: "visible" | "hidden";
  tests: {
    name: string;
    score: number;
    max_score: number;
    status: "passed" | "failed";
    output: string;
    visibility: "visible" | "hidden" | "after_due_date" | "after_published";
  }[];
  extra_data: { nnlab: NnlabExtra };
}

interface NnlabExtra {
  version: number;
  student: string;
  submission: string;
  submission_sha256: string | null;
  assignment_sha256: string;
  status: SubmissionResult["status"];
  max_score: number;
  reason: string;
  tampering: string[];
  notes: string[];
  problems: string[];
  graded_at: string;
  hidden: string[];
}

export function toGradescope(r: SubmissionResult): GradescopeResults {
  return {
    score: r.score,
    execution_time: r.executionTime,
    output: summary(r),
    visibility: "visible",
    stdout_visibility: "hidden",
    tests: r.tests.map((t) => ({ name: t.gradeId, score: t.score, max_score: t.maxScore, status: t.status, output: t.output, visibility: "visible" })),
    extra_data: {
      nnlab: {
        version: RESULTS_VERSION,
        student: r.student,
        submission: r.submission,
        submission_sha256: r.submissionSha256,
        assignment_sha256: r.assignmentSha256,
        status: r.status,
        max_score: r.maxScore,
        reason: r.reason,
        tampering: r.tampering,
        notes: r.notes,
        problems: r.problems,
        graded_at: r.gradedAt,
        hidden: r.tests.filter((t) => t.hidden).map((t) => t.gradeId),
      },
    },
  };
}

/** Reads a results.json back (for resuming and merging); undefined when absent or not ours. */
export function fromGradescope(json: unknown): SubmissionResult | undefined {
  const g = json as Partial<GradescopeResults>;
  const x = g?.extra_data?.nnlab;
  if (!x || x.version !== RESULTS_VERSION || !Array.isArray(g.tests) || typeof g.score !== "number") return undefined;
  const hidden = new Set(x.hidden ?? []);
  return {
    student: x.student,
    submission: x.submission,
    submissionSha256: x.submission_sha256,
    assignmentSha256: x.assignment_sha256,
    status: x.status,
    score: g.score,
    maxScore: x.max_score,
    reason: x.reason,
    tests: g.tests.map((t): TestResult => ({ gradeId: t.name, maxScore: t.max_score, score: t.score, status: t.status, output: t.output, hidden: hidden.has(t.name) })),
    tampering: x.tampering ?? [],
    notes: x.notes ?? [],
    problems: x.problems ?? [],
    executionTime: g.execution_time ?? 0,
    gradedAt: x.graded_at,
  };
}

export function readResults(file: string): SubmissionResult | undefined {
  try {
    return fromGradescope(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch {
    return undefined;
  }
}

function summary(r: SubmissionResult): string {
  const lines = [`Score: ${fmt(r.score)} / ${fmt(r.maxScore)}`];
  if (r.status === "failed") lines.push(`This submission could not be graded: ${r.reason}`);
  for (const p of r.problems) lines.push(`Problem: ${p}`);
  for (const t of r.tampering) lines.push(`Restored: ${t}`);
  for (const n of r.notes) lines.push(`Note: ${n}`);
  return lines.join("\n");
}

const fmt = (x: number) => String(Math.round(x * 100) / 100);

/** Text as inert Markdown: no HTML, no links or images, no emphasis — shown exactly as written. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}\[\]|~]/g, (c) => "\\" + c)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, " ")
    .replace(/^([#+\-=])/, "\\$1") // would start a heading or a list
    .replace(/^(\d+)([.)])/, "$1\\$2"); // would start a numbered list
}

/** A fenced code block that no text inside can close (the fence is longer than any backtick run in it). */
function fenced(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}

export function feedbackMarkdown(r: SubmissionResult, title: string): string {
  const e = escapeMarkdown;
  const out: string[] = [`# Feedback: ${e(title)}`, "", `**Student:** ${e(r.student)}  `, `**Score:** ${fmt(r.score)} / ${fmt(r.maxScore)}`, ""];
  if (r.status === "failed") out.push(`> This submission could not be graded: ${e(r.reason)}`, "");
  if (r.problems.length) out.push("## Problems while running your notebook", "", ...r.problems.map((p) => `- ${e(p)}`), "");
  if (r.tampering.length) out.push("## Instructor cells that were restored", "", ...r.tampering.map((p) => `- ${e(p)}`), "");
  if (r.notes.length) out.push("## Notes", "", ...r.notes.map((p) => `- ${e(p)}`), "");
  out.push("## Tests", "", "| test | score | status |", "|---|---|---|");
  for (const t of r.tests) out.push(`| ${e(t.gradeId)} | ${fmt(t.score)} / ${fmt(t.maxScore)} | ${t.status} |`);
  out.push("");
  for (const t of r.tests) {
    out.push(`### ${e(t.gradeId)}: ${fmt(t.score)} / ${fmt(t.maxScore)}`, "");
    out.push(t.output ? fenced(t.output) : "_(no output)_", "");
  }
  return out.join("\n");
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function feedbackHtml(r: SubmissionResult, title: string): string {
  const e = escapeHtml;
  const list = (heading: string, items: string[]) => (items.length ? `<h2>${e(heading)}</h2><ul>${items.map((i) => `<li>${e(i)}</li>`).join("")}</ul>` : "");
  const rows = r.tests
    .map((t) => `<tr class="${t.status}"><td>${e(t.gradeId)}</td><td>${fmt(t.score)} / ${fmt(t.maxScore)}</td><td>${t.status}</td></tr>`)
    .join("");
  const details = r.tests.map((t) => `<h3>${e(t.gradeId)}: ${fmt(t.score)} / ${fmt(t.maxScore)}</h3><pre>${e(t.output || "(no output)")}</pre>`).join("");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Feedback: ${e(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}pre{background:#f5f5f5;padding:.75rem;overflow-x:auto}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .6rem}tr.passed td:last-child{color:#060}tr.failed td:last-child{color:#a00}</style></head>
<body><h1>Feedback: ${e(title)}</h1><p><b>Student:</b> ${e(r.student)}<br><b>Score:</b> ${fmt(r.score)} / ${fmt(r.maxScore)}</p>
${r.status === "failed" ? `<p><b>This submission could not be graded:</b> ${e(r.reason)}</p>` : ""}
${list("Problems while running your notebook", r.problems)}${list("Instructor cells that were restored", r.tampering)}${list("Notes", r.notes)}
<h2>Tests</h2><table><tr><th>test</th><th>score</th><th>status</th></tr>${rows}</table>${details}
</body></html>
`;
}

/** Writes results.json, feedback.md and feedback.html for one student. */
export function writeSubmissionFiles(outDir: string, r: SubmissionResult, title: string): void {
  const dir = path.join(outDir, r.student);
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, "feedback.md"), feedbackMarkdown(r, title));
  writeFileAtomic(path.join(dir, "feedback.html"), feedbackHtml(r, title));
  // results.json last: its presence means "this student is done" (resuming relies on it).
  writeFileAtomic(path.join(dir, RESULTS_FILE), JSON.stringify(toGradescope(r), null, 2) + "\n");
}

/** One CSV cell; text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading quote. */
export function csvField(v: string | number): string {
  const s = typeof v === "number" ? String(v) : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** grades.csv: student, score, max_score, status, reason, submission, then one column per test. */
export function gradesCsv(results: SubmissionResult[], testIds: string[]): string {
  const header = ["student", "score", "max_score", "status", "reason", "submission", ...testIds];
  const lines = [header.map(csvField).join(",")];
  for (const r of [...results].sort((a, b) => a.student.localeCompare(b.student))) {
    const byId = new Map(r.tests.map((t) => [t.gradeId, t.score]));
    lines.push([r.student, r.score, r.maxScore, r.status, r.reason, r.submission, ...testIds.map((id) => byId.get(id) ?? 0)].map(csvField).join(","));
  }
  return lines.join("\n") + "\n";
}
