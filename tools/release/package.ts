// The student edition's package.json and package-lock.json: the course's own,
// trimmed to what `npm install` and `npm run lab` need. The lock is cut down
// from the course's lock (never re-resolved), so a student installs exactly
// the versions the course was tested with, and `npm install` leaves it as it is.

export interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** Packages the edition needs besides what lib/ imports: the lab's kernel, and the library's build. */
export const KERNEL_PACKAGES = ["tslab"];
export const BUILD_PACKAGES = ["typescript", "@types/node"];

/** Package names a TypeScript/JavaScript source imports or requires (node: built-ins and relative paths left out). */
export function importedPackages(source: string): Set<string> {
  const names = new Set<string>();
  const specifier = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire(?:\.resolve)?\s*\(\s*|^\s*import\s+)["']([^"'.][^"']*)["']/gm;
  for (const m of source.matchAll(specifier)) {
    const spec = m[1];
    if (spec.startsWith("node:")) continue;
    const parts = spec.split("/");
    names.add(spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
  }
  return names;
}

const pick = (deps: Record<string, string> | undefined, keep: (name: string) => boolean) => {
  const out: Record<string, string> = {};
  for (const [name, range] of Object.entries(deps ?? {})) if (keep(name)) out[name] = range;
  return Object.keys(out).length > 0 ? out : undefined;
};

/** npm scripts the edition keeps from the course: `npm install` runs them (e.g. patch-package patching the kernel). */
const INSTALL_SCRIPTS = ["preinstall", "postinstall"];

/** The command a package.json script starts ("patch-package --error-on-fail" → "patch-package"). */
const commandOf = (script: string) => script.trim().split(/\s+/)[0];

/** The edition's package.json: course dependencies the library, the lab's scripts, the kernel or the build use; only the lab's npm scripts. */
export function studentPackageJson(course: PackageJson, imported: Set<string>): PackageJson {
  const courseScripts = (course.scripts ?? {}) as Record<string, string>;
  const install = INSTALL_SCRIPTS.filter((k) => courseScripts[k]);
  const commands = new Set(install.map((k) => commandOf(courseScripts[k])));
  const runtime = (n: string) => imported.has(n) || KERNEL_PACKAGES.includes(n) || commands.has(n);
  const out: PackageJson = {
    name: course.name,
    version: course.version,
    description: "Student edition of the nnlab course: lecture notebooks, exercises and the course library.",
    license: course.license,
    private: true,
    type: course.type,
    main: course.main,
    types: course.types,
    engines: course.engines,
    scripts: {
      build: "node node_modules/typescript/bin/tsc -p tsconfig.build.json",
      lab: "node scripts/lab.js",
      ...Object.fromEntries(install.map((k) => [k, courseScripts[k]])),
      prepare: "npm run build && node scripts/link-self.js",
    },
    dependencies: pick(course.dependencies, runtime),
    optionalDependencies: pick(course.optionalDependencies, runtime),
    devDependencies: pick(course.devDependencies, (n) => BUILD_PACKAGES.includes(n) || runtime(n)),
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

interface LockEntry {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

export interface Lockfile {
  name: string;
  version: string;
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
  [key: string]: unknown;
}

export class LockfileError extends Error {}

interface Edge {
  to: string;
  dev: boolean;
  optional: boolean;
  peer: boolean;
}

/** Where `name` required from the package at `from` is installed: node's lookup, nearest node_modules first. */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === "") return undefined;
    const i = dir.lastIndexOf("/node_modules/");
    dir = i < 0 ? "" : dir.slice(0, i);
  }
}

function edgesOf(packages: Record<string, LockEntry>, from: string): Edge[] {
  const p = packages[from];
  const root = from === "";
  const edges: Edge[] = [];
  const add = (deps: Record<string, string> | undefined, kind: Partial<Edge>) => {
    for (const name of Object.keys(deps ?? {})) {
      const to = resolveIn(packages, from, name);
      const optional = !!kind.optional || (!!kind.peer && !!p.peerDependenciesMeta?.[name]?.optional);
      if (!to) {
        if (optional) continue; // an optional dependency npm did not install here (another platform)
        throw new LockfileError(`package-lock.json: ${from || "the root"} needs ${name}, which the lock does not hold; run npm install in the course first`);
      }
      edges.push({ to, dev: !!kind.dev, optional, peer: !!kind.peer });
    }
  };
  add(p.dependencies, {});
  add(p.optionalDependencies, { optional: true });
  add(p.peerDependencies, { peer: true });
  if (root) add(p.devDependencies, { dev: true });
  return edges;
}

/** Packages reachable from the root through edges that `allowed` accepts. */
function reachable(packages: Record<string, LockEntry>, allowed: (e: Edge) => boolean): Set<string> {
  const seen = new Set<string>([""]);
  const queue = [""];
  while (queue.length > 0) {
    for (const e of edgesOf(packages, queue.shift()!)) {
      if (!allowed(e) || seen.has(e.to)) continue;
      seen.add(e.to);
      queue.push(e.to);
    }
  }
  return seen;
}

/** A flag placed where npm writes it (dev/devOptional/peer after integrity, optional after license), or removed. */
function setFlag(entry: LockEntry, flag: "dev" | "optional" | "devOptional" | "peer", on: boolean): LockEntry {
  if (!!entry[flag] === on) return entry;
  const after = flag === "optional" ? ["license", "dev", "devOptional", "integrity", "resolved", "version"] : ["integrity", "resolved", "version"];
  const keys = Object.keys(entry).filter((k) => k !== flag);
  const anchor = after.find((k) => keys.includes(k));
  const out: LockEntry = {};
  if (on && !anchor) out[flag] = true;
  for (const k of keys) {
    out[k] = entry[k];
    if (on && k === anchor) out[flag] = true;
  }
  return out;
}

/**
 * The course's lock cut down to the edition's package.json: the packages
 * reachable from its dependencies, with npm's dev/optional/devOptional/peer
 * flags recomputed for the smaller tree.
 */
export function trimLockfile(course: Lockfile, pkg: PackageJson): Lockfile {
  if (!course.packages || !course.packages[""]) throw new LockfileError("package-lock.json has no \"packages\" section (lockfileVersion 2 or 3 is needed)");
  const trimmedRoot: LockEntry = {};
  // Keep npm's key order for the root entry: name, version, license, then the dependency lists as package.json has them.
  for (const [k, v] of Object.entries(course.packages[""])) {
    if (k === "bin") continue;
    if (k === "dependencies" || k === "devDependencies" || k === "optionalDependencies") {
      if (pkg[k]) trimmedRoot[k] = pkg[k];
    } else trimmedRoot[k] = v;
  }
  const packages: Record<string, LockEntry> = { ...course.packages, "": trimmedRoot };
  for (const [k, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies })) {
    if (course.packages[""].dependencies?.[k] !== range && course.packages[""].devDependencies?.[k] !== range && course.packages[""].optionalDependencies?.[k] !== range) {
      throw new LockfileError(`package-lock.json does not match package.json for ${k}`);
    }
  }
  const all = reachable(packages, () => true);
  const nonDev = reachable(packages, (e) => !e.dev);
  const nonOptional = reachable(packages, (e) => !e.optional);
  const prod = reachable(packages, (e) => !e.dev && !e.optional);
  const nonPeer = reachable(packages, (e) => !e.peer);
  const kept: Record<string, LockEntry> = {};
  for (const [key, entry] of Object.entries(packages)) {
    if (!all.has(key)) continue;
    if (key === "") {
      kept[key] = entry;
      continue;
    }
    const dev = !nonDev.has(key);
    const optional = !nonOptional.has(key);
    let e = setFlag(entry, "dev", dev);
    e = setFlag(e, "optional", optional);
    e = setFlag(e, "devOptional", !prod.has(key) && !dev && !optional);
    e = setFlag(e, "peer", !nonPeer.has(key));
    kept[key] = e;
  }
  return { ...course, name: pkg.name, version: pkg.version, packages: kept };
}
