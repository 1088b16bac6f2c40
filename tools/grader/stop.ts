// Stopping a grading run cleanly: on SIGINT, SIGTERM or SIGHUP (Ctrl-C,
// scancel, a closed terminal), and when the npm process that launched it is
// gone. Finished submissions already have their results.json (written as
// each one finishes), so a rerun of the same command resumes; what is
// cleaned up here is what would otherwise outlive the run: the converter
// processes, the kernels (tools/engine/kernel.ts kills them on exit) and
// the sandbox's temporary folder.
import os from "node:os";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** How often to look whether the launching npm process is still there. */
const PARENT_POLL_MS = 250;

export interface StopGuard {
  /** Runs `fn` (synchronously) before the process exits on a stop. */
  onStop(fn: () => void): void;
  /** Removes the handlers (the run ended normally). */
  release(): void;
}

/**
 * Makes this process exit promptly, after the cleanups, on a stop signal.
 * `describe` gives the line printed on stderr (e.g. how much was finished).
 *
 * npm exec runs a command as `sh -c …`; a SIGTERM to npm reaches that shell,
 * which dies without passing it on, and the grader would be re-parented and
 * finish the shard on its own. So when npm launched us, our parent going
 * away counts as a stop too. (Without npm a changed parent is left alone:
 * `nohup nnlab grade … &` must survive its terminal.)
 */
export function stopOnSignals(describe: (why: string) => string): StopGuard {
  const cleanups: (() => void)[] = [];
  let stopping = false;
  const stop = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    for (const fn of cleanups.reverse()) {
      try {
        fn();
      } catch {
        /* keep cleaning up: the exit must happen */
      }
    }
    process.stderr.write(`\n${describe(why)}\n`);
    process.exit(code);
  };
  const handlers = SIGNALS.map((sig) => {
    const handler = () => stop(`stopped by ${sig}`, 128 + (os.constants.signals[sig] ?? 15));
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  let poll: NodeJS.Timeout | undefined;
  if (launchedByNpm()) {
    const parent = process.ppid;
    poll = setInterval(() => {
      if (process.ppid !== parent) stop("stopped because the npm process that started it is gone", 128 + 15);
    }, PARENT_POLL_MS);
    poll.unref();
  }
  return {
    onStop: (fn) => void cleanups.push(fn),
    release: () => {
      for (const [sig, handler] of handlers) process.off(sig, handler);
      if (poll) clearInterval(poll);
    },
  };
}

/** npm exec / npx / npm run set npm_command in the environment of what they start. */
function launchedByNpm(): boolean {
  return Boolean(process.env.npm_command && process.env.npm_execpath);
}
