// The red team's batch (issue 8, acceptance 2): ~80 hostile submissions of
// E01 graded in ONE `nnlab grade` run together with correct and empty ones.
// Every failure names the attack and the property it broke. README.md lists
// the attacks. Takes several minutes (see README for the last measured time).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { readNotebookFile, serializeNotebook } from "../../tools/notebook";
import { cellRole, cellPoints, generateStudentVersion, gradeId, hasRegion } from "../../tools/assignment";
import { allSpecs, Ctx } from "./specs";
import { Built, buildSubmissions } from "./build";
import { collectSecrets, findLeaks, Secret, views } from "./leaks";
import { htmlProblems, isFormula, markdownProblems, parseCsv, unneutralised } from "./outputs";
import { diffTrees, findNames, NODE_WRITTEN, snapshotTree } from "./snapshot";

const REPO = path.resolve(__dirname, "..", "..");
const SOLUTION = path.join(REPO, "solutions", "E01-parameter-counting.ipynb");
const BIN = path.join(REPO, "bin", "nnlab.js");
const BATCH_LIMIT_MS = 45 * 60_000;

interface Row {
  fields: Record<string, string>;
  dir: string;
}

// The list of submissions is known when tests are collected (names, kinds); files are built in beforeAll.
const PLACEHOLDER: Ctx = { canary: "x", repo: REPO, solution: SOLUTION, subsDir: "/s", outDir: "/o", realHome: "/h", realTmp: "/t", tcpPort: 1, udpPort: 1 };
const ONLY = process.env.NNLAB_ATTACKS_ONLY?.split(",");
const SKIP = process.env.NNLAB_ATTACKS_SKIP?.split(",") ?? [];
const keep = (s: { name: string; cls: string }) => s.cls === "reference" || ((!ONLY || ONLY.includes(s.name)) && !SKIP.includes(s.name));
const SPECS = allSpecs(PLACEHOLDER).filter(keep);
const cases = (...kinds: string[]) => SPECS.filter((s) => kinds.includes(s.kind)).map((s) => [`${s.name} [${s.cls}]`, s.name] as const);

let root: string;
let ctx: Ctx;
let built: Built[] = [];
let secrets: Secret[] = [];
let testIds: string[] = [];
let hiddenIds = new Set<string>();
let maxPoints: Record<string, number> = {};
let run: { code: number | null; signal: string | null; stdout: string; stderr: string; seconds: number };
let rows: Record<string, string>[] = [];
let header: string[] = [];
const rowOf = new Map<Built, Row>();
const network: string[] = [];
const before: Record<string, unknown> = {};
let tcp: net.Server;
let udp: dgram.Socket;

const git = () => spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: REPO, encoding: "utf8" }).stdout;
const listing = (dir: string) => new Set(fs.readdirSync(dir));
const byKind = (...kinds: string[]) => built.filter((b) => kinds.includes(b.spec.kind));
const named = (name: string) => {
  const b = built.find((x) => x.spec.name === name);
  if (!b) throw new Error(`${name} was not built`);
  return b;
};

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<typeof run> {
  return new Promise((resolve) => {
    const started = Date.now();
    let stdout = "";
    let stderr = "";
    // Its own process group: a kernel that signals "its group" reaches the grader, not vitest.
    const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d: Buffer) => (stdout = (stdout + d.toString()).slice(-1_000_000)));
    child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-1_000_000)));
    const timer = setTimeout(() => {
      stderr += `\n[test] the batch ran longer than ${BATCH_LIMIT_MS / 60000} min; killed\n`;
      for (const sig of ["SIGCONT", "SIGKILL"] as const) try { process.kill(-child.pid!, sig); } catch { /* gone */ }
    }, BATCH_LIMIT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

beforeAll(async () => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-attacks-")));
  const dirs = { subs: "subs", out: "out", home: "home", tmp: "tmp" };
  for (const d of Object.values(dirs)) fs.mkdirSync(path.join(root, d));
  tcp = net.createServer((s) => { network.push(`TCP connection from ${s.remoteAddress}`); s.destroy(); });
  await new Promise<void>((ok) => tcp.listen(0, "127.0.0.1", ok));
  udp = dgram.createSocket("udp4");
  udp.on("message", (m) => network.push(`UDP packet: ${m.toString().slice(0, 80)}`));
  await new Promise<void>((ok) => udp.bind(0, "127.0.0.1", ok));
  ctx = {
    canary: `nnlabatk${randomBytes(6).toString("hex")}`,
    repo: REPO,
    solution: SOLUTION,
    subsDir: path.join(root, dirs.subs),
    outDir: path.join(root, dirs.out),
    realHome: os.homedir(),
    realTmp: os.tmpdir(),
    tcpPort: (tcp.address() as net.AddressInfo).port,
    udpPort: udp.address().port,
  };
  // NNLAB_ATTACKS_ONLY=a,b grades only those attacks, NNLAB_ATTACKS_SKIP=a,b all but those (reference submissions always).
  built = buildSubmissions(allSpecs(ctx).filter(keep), SOLUTION, ctx.subsDir);

  const solution = readNotebookFile(SOLUTION);
  const student = generateStudentVersion(solution);
  const visible = serializeNotebook(student) + "\n" + student.cells.map((c) => c.source).join("\n");
  const help = spawnSync(process.execPath, [BIN, "grade", "--help"], { encoding: "utf8" }).stdout;
  secrets = collectSecrets(solution, visible, help);
  if (process.env.NNLAB_KEEP_ATTACKS) fs.writeFileSync(path.join(root, "secrets.json"), JSON.stringify(secrets, null, 1));
  for (const c of solution.cells) {
    if (cellRole(c) !== "test") continue;
    testIds.push(gradeId(c)!);
    maxPoints[gradeId(c)!] = cellPoints(c);
    if (hasRegion(c.source, "hidden")) hiddenIds.add(gradeId(c)!);
  }

  before.subs = snapshotTree(ctx.subsDir);
  before.home = snapshotTree(path.join(root, dirs.home));
  before.git = git();
  before.tmp = listing(ctx.realTmp);
  before.started = Date.now();

  run = await runCli(
    ["grade", "--assignment", SOLUTION, ctx.subsDir, "--out", ctx.outDir, "--timeout", "180", "--cell-timeout", "15", "--no-progress"],
    { ...process.env, HOME: path.join(root, dirs.home), TMPDIR: path.join(root, dirs.tmp) },
  );
  console.log(`[attacks] ${built.length} submissions graded in one batch in ${run.seconds.toFixed(0)} s (exit ${run.code}${run.signal ? `, ${run.signal}` : ""})`);
  await new Promise((r) => setTimeout(r, 500)); // late UDP/TCP events

  const csvFile = path.join(ctx.outDir, "grades.csv");
  if (fs.existsSync(csvFile)) {
    const parsed = parseCsv(fs.readFileSync(csvFile, "utf8"));
    header = parsed[0] ?? [];
    rows = parsed.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
  }
  for (const b of built) {
    const matches = rows.filter((r) => {
      const p = unneutralised(r.submission ?? "");
      return p !== "" && path.resolve(root, p) === b.file;
    });
    if (matches.length === 1) rowOf.set(b, { fields: matches[0], dir: path.join(ctx.outDir, unneutralised(matches[0].student)) });
  }
}, BATCH_LIMIT_MS + 10 * 60_000);

afterAll(async () => {
  tcp?.close();
  udp?.close();
  if (root && !process.env.NNLAB_KEEP_ATTACKS) fs.rmSync(root, { recursive: true, force: true });
  else if (root) console.log(`[attacks] kept ${root}`);
});

const score = (b: Built, id: string) => Number(rowOf.get(b)?.fields[id] ?? NaN);
const outputsOf = (b: Built) => {
  const r = rowOf.get(b);
  if (!r) return [];
  return ["feedback.md", "feedback.html", "results.json"].map((f) => path.join(r.dir, f)).filter((f) => fs.existsSync(f));
};

describe("the batch completes", () => {
  it("exits 0 and writes grades.csv with one row per submission file", () => {
    expect({ code: run.code, signal: run.signal, stderrTail: run.code === 0 ? "" : run.stderr.slice(-3000) }).toEqual({ code: 0, signal: null, stderrTail: "" });
    expect(header.slice(0, 6)).toEqual(["student", "score", "max_score", "status", "reason", "submission"]);
    expect(rows.length).toBe(built.length);
  });

  it.each(cases("attack", "attack-visible", "correct", "empty"))("%s: has a row of its own, with a reason", (_, name) => {
    const b = named(name);
    const row = rowOf.get(b);
    expect(row, `no single grades.csv row has submission = ${b.file}`).toBeDefined();
    expect(row!.fields.reason.trim(), "the reason column is empty").not.toBe("");
    expect(fs.existsSync(path.join(row!.dir, "results.json")), `no ${row!.dir}/results.json`).toBe(true);
  });

  it("row ids are unique and results.json agrees with grades.csv", () => {
    const ids = rows.map((r) => r.student);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), "duplicate student ids").toEqual([]);
    const disagree: string[] = [];
    for (const [b, r] of rowOf) {
      const file = path.join(r.dir, "results.json");
      if (!fs.existsSync(file)) continue;
      const json = JSON.parse(fs.readFileSync(file, "utf8"));
      if (Math.abs(Number(json.score) - Number(r.fields.score)) > 1e-9) disagree.push(`${b.spec.name}: results.json ${json.score}, grades.csv ${r.fields.score}`);
    }
    expect(disagree).toEqual([]);
  });

  it("the grader was not reached: no inspector opened in it, no network traffic from kernels", () => {
    expect(run.stderr + run.stdout).not.toMatch(/Debugger listening/);
    expect(network).toEqual([]);
  });
});

describe("scores", () => {
  const empty = () => byKind("empty")[0];

  it.each(cases("attack", "attack-visible"))("%s: scores at most the empty submission on every test", (_, name) => {
    const b = named(name);
    expect(rowOf.get(b), "no row to compare").toBeDefined();
    const over: string[] = [];
    for (const id of testIds) {
      // Hard-coding the visible tests' answers legitimately earns their points; not the hidden ones.
      if (b.spec.kind === "attack-visible" && !hiddenIds.has(id)) continue;
      if (!(score(b, id) <= score(empty(), id) + 1e-9)) over.push(`${id}: ${score(b, id)} > empty's ${score(empty(), id)}`);
    }
    expect(over).toEqual([]);
  });

  it.each(cases("correct"))("%s: keeps full marks", (_, name) => {
    const b = named(name);
    const lost = testIds.filter((id) => score(b, id) !== maxPoints[id]).map((id) => `${id}: ${score(b, id)} of ${maxPoints[id]}`);
    expect(lost).toEqual([]);
  });
});

describe("nothing hidden leaks, in any encoding", () => {
  it("there is something to look for", () => {
    expect(secrets.filter((s) => s.kind === "expected number").length).toBeGreaterThan(3);
    expect(secrets.filter((s) => s.kind === "message").length).toBeGreaterThan(5);
    expect(secrets.filter((s) => s.kind === "hidden code").length).toBeGreaterThan(5);
  });

  it.each(cases("attack", "attack-visible", "correct", "empty"))("%s: its feedback.md/.html, results.json and grades.csv row", (_, name) => {
    const b = named(name);
    const found: string[] = [];
    const texts: [string, string][] = outputsOf(b).map((f) => [path.basename(f), fs.readFileSync(f, "utf8")]);
    const row = rowOf.get(b);
    if (row) texts.push(["grades.csv row", Object.values(row.fields).join(",")]);
    for (const [where, text] of texts) {
      for (const f of findLeaks(text, secrets, b.ownText)) found.push(`${where}: ${f.secret.kind} ${JSON.stringify(f.secret.text)} (${f.view}) …${JSON.stringify(f.context)}…`);
    }
    expect(found).toEqual([]);
  });

  it("no attack reports a sandbox escape in any output", () => {
    const marker = `${ctx.canary}-ESCAPED:`;
    const found: string[] = [];
    for (const f of fs.existsSync(ctx.outDir) ? (fs.readdirSync(ctx.outDir, { recursive: true }) as string[]) : []) {
      const p = path.join(ctx.outDir, f);
      if (!fs.statSync(p).isFile()) continue;
      // Reports from the first view that has any (raw before decoded), so each reads cleanly.
      for (const [view, text] of Object.entries(views(fs.readFileSync(p, "utf8")))) {
        const here = [...text.matchAll(new RegExp(`${marker}[^\\n"|\\\\]{0,160}`, "g"))].map((m) => `${f}: ${m[0].slice(marker.length)} (seen ${view})`);
        found.push(...here);
        if (here.length) break;
      }
    }
    expect([...new Set(found)]).toEqual([]);
  });
});

describe("nothing is written outside the output folder", () => {
  it("the submissions folder is unchanged", () => {
    expect(diffTrees(before.subs as Map<string, string>, snapshotTree(ctx.subsDir))).toEqual([]);
  });

  it("the grader's home folder is unchanged and its temporary folder is left empty", () => {
    expect(diffTrees(before.home as Map<string, string>, snapshotTree(path.join(root, "home")))).toEqual([]);
    expect([...snapshotTree(path.join(root, "tmp")).keys()]).toEqual([]);
  });

  it("the repository's tracked and untracked files are unchanged", () => {
    expect(git()).toBe(before.git);
  });

  it("no file named with this run's canary anywhere, no file Node writes by itself", () => {
    const named = (n: string) => n.includes(ctx.canary);
    const found = [
      ...findNames(ctx.realTmp, named, 2),
      ...findNames(ctx.realHome, named, 2),
      ...findNames(REPO, named, 3),
      ...findNames(path.join(REPO, "dist"), named, 6),
      ...findNames(root, named, 6),
      // /tmp is shared with other programs: only its top level, and only names that were not there before.
      ...findNames(ctx.realTmp, (n) => NODE_WRITTEN.test(n) && !(before.tmp as Set<string>).has(n), 0),
      ...[REPO, root, ctx.outDir, ctx.subsDir, ctx.realHome].flatMap((d) => findNames(d, (n) => NODE_WRITTEN.test(n), 1).filter((p) => fs.statSync(p).mtimeMs >= (before.started as number))),
    ];
    expect([...new Set(found)]).toEqual([]);
  });

  it("the output folder holds only grades.csv and one folder per row", () => {
    const ids = new Set(rows.map((r) => unneutralised(r.student)));
    const stray = (fs.existsSync(ctx.outDir) ? fs.readdirSync(ctx.outDir) : []).filter((n) => !(n === "grades.csv" || ids.has(n)));
    expect(stray).toEqual([]);
  });
});

describe("outputs are safe to open", () => {
  it("no grades.csv cell is a spreadsheet formula", () => {
    const bad: string[] = [];
    for (const r of rows) for (const [col, v] of Object.entries(r)) if (isFormula(v)) bad.push(`${r.student} / ${col}: ${JSON.stringify(v.slice(0, 80))}`);
    expect(bad).toEqual([]);
  });

  it.each(cases("attack", "attack-visible", "correct", "empty"))("%s: feedback.md has no live HTML, links or images; feedback.html runs nothing", (_, name) => {
    const b = named(name);
    const row = rowOf.get(b);
    if (!row) return; // reported by "has a row of its own"
    const problems: string[] = [];
    const md = path.join(row.dir, "feedback.md");
    const html = path.join(row.dir, "feedback.html");
    if (fs.existsSync(md)) problems.push(...markdownProblems(fs.readFileSync(md, "utf8")).map((p) => `feedback.md: ${p}`));
    if (fs.existsSync(html)) problems.push(...htmlProblems(fs.readFileSync(html, "utf8")).map((p) => `feedback.html: ${p}`));
    expect(problems).toEqual([]);
  });
});
