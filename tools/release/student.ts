// `nnlab release student`: the course as students receive it, in a folder of
// its own — lecture notebooks as committed (executed, with figures), the
// exercises generated afresh from the instructor notebooks, the course
// library and what `npm install` / `npm run lab` need to build and run it.
// Nothing of solutions/, the tests, the grader or the benchmarks goes in,
// and the result is searched for solution and hidden-test text before it is
// written. A pure function of the course's files: same course, same bytes.
import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { readNotebookFile, serializeNotebook } from "../notebook";
import { generateStudentVersion } from "../assignment/generate";
import { forbiddenMetadataProblems } from "../grader/forbidden";
import { asText, FileSet, listFiles, ReleaseError, writeFileSet } from "./files";
import { assignmentSecrets, findLeaks, searchable, Secret } from "./leaks";
import { importedPackages, Lockfile, PackageJson, studentPackageJson, trimLockfile } from "./package";
import { STUDENT_GITIGNORE, studentReadme } from "./readme";

/** The lab's entry points: `npm run lab`, the `import "nnlab"` shim of `npm install`; what they require("./…") comes along. */
export const LAB_SCRIPTS = ["scripts/lab.js", "scripts/link-self.js"];
/** Copied when the course has them: the kernel the lab's kernel spec starts (python-env.js names it). */
const OPTIONAL_SCRIPTS = ["scripts/kernel.js"];
/** Files copied as they are: the Python side of the lab. */
const LAB_FILES = ["requirements-lab.txt"];
/** Folders copied whole when present: patch-package's patches of the kernel, applied by `npm install`. */
const LAB_FOLDERS = ["patches"];

export interface StudentEdition {
  files: FileSet;
  lectures: string[];
  exercises: string[];
  /** Things the instructor should know (e.g. exercises/ is out of date); the edition is still right. */
  warnings: string[];
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v, null, 2) + "\n");
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

/** Instructor notebooks of the course, sorted. */
export function solutionNotebooks(root: string): string[] {
  return listFiles(root, "solutions").filter((f) => f.endsWith(".ipynb"));
}

/** The lab's scripts and every local script they require, sorted. */
function labScripts(root: string): string[] {
  const found = new Set<string>();
  const queue = [...LAB_SCRIPTS, ...OPTIONAL_SCRIPTS.filter((f) => fs.existsSync(path.join(root, f)))];
  for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
    if (found.has(rel)) continue;
    if (!fs.existsSync(path.join(root, rel))) throw new ReleaseError(`${rel} is missing from the course at ${root}`);
    found.add(rel);
    // Sibling scripts it requires, in code lines (not comments, not text it writes into other files).
    const code = fs.readFileSync(path.join(root, rel), "utf8").split("\n").filter((l) => !/^\s*(\/\/|\*)/.test(l)).join("\n");
    for (const m of code.matchAll(/(?:^|[=(,;]\s*|\s)require\(\s*["'](\.\/[^"']+)["']\s*\)/gm)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1]));
      queue.push(target.endsWith(".js") ? target : `${target}.js`);
    }
  }
  return [...found].sort();
}

const isBuiltin = (name: string) => builtinModules.includes(name);

/** Every secret of every instructor notebook. */
export function courseSecrets(root: string): Secret[] {
  return solutionNotebooks(root).flatMap((rel) => assignmentSecrets(readNotebookFile(path.join(root, rel)), path.basename(rel)));
}

/** The edition's tsconfig files: the course's compiler options, compiling lib/ only. */
function tsconfigs(root: string): { main: unknown; build: unknown } {
  const main = readJson<{ compilerOptions?: Record<string, unknown>; include?: string[] }>(path.join(root, "tsconfig.json"));
  const build = readJson<{ compilerOptions?: Record<string, unknown>; include?: string[] }>(path.join(root, "tsconfig.build.json"));
  return { main: { ...main, include: ["lib"] }, build: { ...build, include: ["lib"] } };
}

export function buildStudentEdition(root: string): StudentEdition {
  const files: FileSet = new Map();
  const warnings: string[] = [];
  const copy = (rel: string) => {
    if (!fs.existsSync(path.join(root, rel))) throw new ReleaseError(`${rel} is missing from the course at ${root}`);
    files.set(rel, fs.readFileSync(path.join(root, rel)));
  };

  // Lectures and the library, as committed.
  const lectureFiles = listFiles(root, "notebooks");
  for (const rel of [...lectureFiles, ...listFiles(root, "lib")]) copy(rel);
  const lectures = lectureFiles.filter((f) => f.endsWith(".ipynb"));
  if (lectures.length === 0) throw new ReleaseError(`no lecture notebooks in ${path.join(root, "notebooks")}`);

  // Exercises: generated now from the instructor's notebooks, so a stale exercises/ can never leak an answer.
  const exercises: string[] = [];
  for (const rel of solutionNotebooks(root)) {
    const name = path.basename(rel);
    const solution = readNotebookFile(path.join(root, rel));
    const bad = forbiddenMetadataProblems(solution);
    if (bad.length > 0) throw new ReleaseError(`${rel}: ${bad.join("; ")}`);
    const text = serializeNotebook(generateStudentVersion(solution, rel));
    const target = `exercises/${name}`;
    files.set(target, Buffer.from(text));
    exercises.push(target);
    const committed = path.join(root, target);
    if (!fs.existsSync(committed)) warnings.push(`${target} is not in the course yet (run nnlab generate); the edition has it`);
    else if (fs.readFileSync(committed, "utf8") !== text) warnings.push(`${target} in the course is out of date (run nnlab generate); the edition has the current version`);
  }
  for (const rel of listFiles(root, "exercises")) {
    if (rel.endsWith(".ipynb") && !files.has(rel)) warnings.push(`${rel} has no instructor notebook in solutions/, so it is left out`);
    else if (!rel.endsWith(".ipynb")) copy(rel);
  }

  // What `npm install` and `npm run lab` need.
  for (const rel of [...labScripts(root), ...LAB_FILES, ...LAB_FOLDERS.flatMap((d) => listFiles(root, d))]) copy(rel);
  const used = new Set<string>();
  for (const rel of files.keys()) {
    if (/^(lib|scripts)\/.*\.(ts|js)$/.test(rel)) for (const n of importedPackages(files.get(rel)!.toString("utf8"))) if (!isBuiltin(n)) used.add(n);
  }
  used.delete("nnlab");
  const pkg = studentPackageJson(readJson<PackageJson>(path.join(root, "package.json")), used);
  files.set("package.json", json(pkg));
  files.set("package-lock.json", json(trimLockfile(readJson<Lockfile>(path.join(root, "package-lock.json")), pkg)));
  const ts = tsconfigs(root);
  files.set("tsconfig.json", json(ts.main));
  files.set("tsconfig.build.json", json(ts.build));
  files.set("README.md", Buffer.from(studentReadme({ lectures, exercises, patches: [...files.keys()].some((f) => f.startsWith("patches/")) })));
  files.set(".gitignore", Buffer.from(STUDENT_GITIGNORE));

  const texts = searchable(asText(files));
  const secrets = publishedAnswers(texts, courseSecrets(root), warnings);
  const leaks = findLeaks(texts, secrets);
  if (leaks.length > 0) {
    throw new ReleaseError(`the student edition would contain what students must not see; nothing was written:\n  - ${leaks.map((l) => `${l.file}: ${l.what}`).join("\n  - ")}`);
  }
  return { files, lectures, exercises, warnings };
}

export function releaseStudentEdition(root: string, outDir: string, opts: { force?: boolean } = {}): StudentEdition {
  if (isInside(path.resolve(outDir), path.resolve(root))) {
    throw new ReleaseError(`--out ${outDir} is inside the course folder; write the edition somewhere else (it is a separate folder or repository)`);
  }
  const edition = buildStudentEdition(root);
  writeFileSet(edition.files, outDir, !!opts.force);
  return edition;
}

/**
 * The library, the lectures and the other exercises are published on purpose:
 * an answer already written there (the library's own ReLU, an accuracy loop
 * another exercise hands out)
 * is no secret, and the instructor is told so (forbid the library function
 * in the exercise if using it would defeat the exercise). Hidden tests stay
 * secret wherever they turn up.
 */
function publishedAnswers(texts: Map<string, string>, secrets: Secret[], warnings: string[]): Secret[] {
  return secrets.filter((s) => {
    if (s.kind !== "solution") return true;
    // Its own exercise never counts as published: the student version must not hold its own answer.
    const published = new Map([...texts].filter(([f]) => (f.startsWith("lib/") || f.startsWith("notebooks/") || f.startsWith("exercises/")) && f !== `exercises/${s.source}`));
    const found = findLeaks(published, [s]).filter((l) => l.what === s.what);
    if (found.length === 0) return true;
    warnings.push(`${s.what} is also in ${found.map((l) => l.file).join(", ")}, which students receive`);
    return false;
  });
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}
