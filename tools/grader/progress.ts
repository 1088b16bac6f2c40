// How `nnlab grade` reports progress: a bar with ETA on a terminal
// (cli-progress), one plain line per submission otherwise (logs, CI), or
// JSON lines for programs (--json).
import cliProgress from "cli-progress";
import type { SubmissionResult } from "./types";

export type ProgressMode = "bar" | "lines" | "json" | "quiet";

export interface Progress {
  start(total: number, skipped: number): void;
  result(r: SubmissionResult, done: number, total: number, skipped: boolean): void;
  stop(): void;
}

const fmt = (x: number) => String(Math.round(x * 100) / 100);

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

export function createProgress(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr, out: NodeJS.WritableStream = process.stdout): Progress {
  if (mode === "quiet") return { start() {}, result() {}, stop() {} };

  if (mode === "json") {
    return {
      start(total, skipped) {
        out.write(JSON.stringify({ event: "start", total, skipped }) + "\n");
      },
      result(r, done, total, skipped) {
        out.write(
          JSON.stringify({ event: "result", done, total, skipped, student: r.student, score: r.score, max_score: r.maxScore, status: r.status, reason: r.reason, seconds: r.executionTime }) + "\n",
        );
      },
      stop() {},
    };
  }

  if (mode === "lines") {
    let t0 = Date.now();
    let fresh = 0;
    let toGrade = 0;
    return {
      start(total, skipped) {
        t0 = Date.now();
        toGrade = total - skipped;
        stream.write(`grading ${toGrade} submission(s)${skipped ? `, ${skipped} already graded (use --force to grade them again)` : ""}\n`);
      },
      result(r, done, total, skipped) {
        if (skipped) return;
        fresh++;
        const elapsed = (Date.now() - t0) / 1000;
        const eta = (elapsed / fresh) * (toGrade - fresh);
        // A full score needs no explanation on the terminal (grades.csv still has its reason).
        const why = r.reason && (r.status === "failed" || r.score < r.maxScore) ? `  (${r.reason.length > 100 ? r.reason.slice(0, 97) + "..." : r.reason})` : "";
        stream.write(`[${done}/${total}] ${r.student}: ${fmt(r.score)}/${fmt(r.maxScore)} ${r.status} in ${fmt(r.executionTime)}s, ETA ${formatDuration(eta)}${why}\n`);
      },
      stop() {},
    };
  }

  const bar = new cliProgress.SingleBar(
    {
      format: "grading [{bar}] {value}/{total} | {percentage}% | ETA {eta_formatted} | {last}",
      stream,
      hideCursor: true,
      etaBuffer: 20,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start(total, skipped) {
      bar.start(total, skipped, { last: skipped ? `${skipped} already graded` : "" });
    },
    result(r, done, _total, skipped) {
      if (skipped) return;
      bar.update(done, { last: `${r.student} ${fmt(r.score)}/${fmt(r.maxScore)}` });
    },
    stop() {
      bar.stop();
    },
  };
}
