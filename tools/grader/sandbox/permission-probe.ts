// Run inside a process started with the sandbox's permission flags (as `-e`
// code, so it needs no read permission of its own; never imported): tries everything a sandboxed kernel must not do, and what it
// must be able to do, and prints the list of what went wrong as JSON.
// permissions.ts grades only on a Node where this prints "[]".
import fs from "node:fs";
import path from "node:path";

interface ProbeInput {
  /** Folders that must not be listable ("/" and every folder above a readable one). */
  hidden: string[];
  /** Folders that must be listable. */
  readable: string[];
  /** A folder to try writing in (the sandbox root: harmless if the write succeeds). */
  scratch: string;
}

const input = JSON.parse(process.env.NNLAB_PROBE ?? "{}") as ProbeInput;
const problems: string[] = [];

/** `name` is a problem if `attempt` succeeds. */
function mustFail(name: string, attempt: () => unknown): void {
  try {
    attempt();
    problems.push(name);
  } catch {
    // refused, as it should be
  }
}

for (const dir of input.hidden) mustFail(`can list ${dir}`, () => fs.readdirSync(dir));
for (const dir of input.readable) {
  try {
    fs.readdirSync(dir);
  } catch {
    problems.push(`cannot list ${dir}`);
  }
}
mustFail("can write files", () => fs.writeFileSync(path.join(input.scratch, `.nnlab-probe-${process.pid}`), "x"));
// Native code that writes files without asking the permission model (Node 22/24's node:sqlite).
mustFail("can write files through node:sqlite", () => {
  const { DatabaseSync } = require("node:sqlite");
  new DatabaseSync(":memory:").exec(`VACUUM INTO '${path.join(input.scratch, `.nnlab-probe-${process.pid}.db`)}'`);
});
mustFail("can start a child process", () => {
  const run = require("node:child_process").spawnSync("true");
  if (run.error) throw run.error;
});
mustFail("can start a worker", () => new (require("node:worker_threads").Worker)("0", { eval: true }).terminate());
// Refused before the file is looked at when addons are off; "not found" would mean they are on.
try {
  process.dlopen({ exports: {} } as NodeJS.Module, path.join(input.scratch, "missing.node"));
  problems.push("can load a native addon");
} catch (e) {
  if ((e as NodeJS.ErrnoException).code !== "ERR_DLOPEN_DISABLED") problems.push("native addons are not disabled");
}
mustFail("can use WASI", () => new (require("node:wasi").WASI)({ version: "preview1" }));
mustFail("can open the inspector", () => require("node:inspector").open(0));
if (!("permission" in process) || (process as unknown as { permission: { has(scope: string): boolean } }).permission.has("fs.write")) {
  problems.push("process.permission does not deny fs.write");
}
process.stdout.write(JSON.stringify(problems));
