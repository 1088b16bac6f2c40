// Grading step: library functions an exercise forbids. The instructor's
// notebook names them in its metadata,
//
//   "metadata": { "nnlab": { "forbidden": ["gradientStep", "fullBatchStep"], "forbiddenPolicy": "flag" } }
//
// and an answer cell that imports one from "nnlab" or uses one (a call, a
// reference, `nn.gradientStep` through a namespace import, a renamed import)
// is flagged with a reason in the feedback. Policy "flag" only reports it;
// "zero" also gives no points to the tests that use that answer cell's
// declarations. `nnlab grade --forbidden` overrides the notebook's policy.
// A static check of the source (tslab's TypeScript parser), not a sandbox:
// it catches direct use, not code that hides the name (eval, computed keys).
import type * as TS from "@tslab/typescript-for-tslab";
import type { Notebook } from "../notebook";
import { cellRole, gradeId } from "../assignment/metadata";
import { declaredNames, testDependencies } from "../assignment/dependencies";
import { round } from "./pipeline";
import type { SubmissionResult } from "./types";

export type ForbiddenPolicy = "flag" | "zero";
export const FORBIDDEN_POLICIES: ForbiddenPolicy[] = ["flag", "zero"];

export interface ForbiddenUse {
  /** 0-based index of the answer cell in the graded notebook. */
  cell: number;
  /** The answer cell's grade_id (undefined for a cell without one). */
  gradeId?: string;
  /** The library function (its name in "nnlab", whatever the cell calls it). */
  name: string;
  /** 1-based line in the cell. */
  line: number;
  how: "imports" | "uses";
}

interface NnlabMetadata {
  forbidden?: unknown;
  forbiddenPolicy?: unknown;
}

function nnlabMeta(nb: Notebook): NnlabMetadata {
  const m = nb.metadata?.nnlab;
  return m && typeof m === "object" && !Array.isArray(m) ? (m as NnlabMetadata) : {};
}

/** The functions the assignment forbids (metadata.nnlab.forbidden), [] when none. */
export function forbiddenNames(assignment: Notebook): string[] {
  const list = nnlabMeta(assignment).forbidden;
  return Array.isArray(list) ? list.filter((n): n is string => typeof n === "string" && n !== "") : [];
}

/** The policy: the override, else metadata.nnlab.forbiddenPolicy, else "flag". */
export function forbiddenPolicy(assignment: Notebook, override?: ForbiddenPolicy): ForbiddenPolicy {
  if (override) return override;
  const p = nnlabMeta(assignment).forbiddenPolicy;
  return p === "zero" ? "zero" : "flag";
}

/** Problems with the assignment's forbidden-function metadata (for nnlab validate / release), [] when fine. */
export function forbiddenMetadataProblems(assignment: Notebook): string[] {
  const m = nnlabMeta(assignment);
  const problems: string[] = [];
  if (m.forbidden !== undefined && (!Array.isArray(m.forbidden) || m.forbidden.some((n) => typeof n !== "string"))) {
    problems.push('metadata.nnlab.forbidden must be a list of function names, e.g. ["gradientStep"]');
  }
  if (m.forbiddenPolicy !== undefined && !FORBIDDEN_POLICIES.includes(m.forbiddenPolicy as ForbiddenPolicy)) {
    problems.push(`metadata.nnlab.forbiddenPolicy must be one of ${FORBIDDEN_POLICIES.map((p) => `"${p}"`).join(", ")}`);
  }
  return problems;
}

let tsModule: typeof TS | undefined;
// tslab's own TypeScript, loaded only when an assignment forbids something.
function ts(): typeof TS {
  tsModule ??= require("@tslab/typescript-for-tslab") as typeof TS;
  return tsModule;
}

const isLibrary = (spec: string) => spec === "nnlab" || spec.startsWith("nnlab/");

/** `require("nnlab")`, `import("nnlab")`, optionally awaited. */
function isLibraryLoad(t: typeof TS, e: TS.Expression): boolean {
  if (t.isAwaitExpression(e) || t.isParenthesizedExpression(e)) return isLibraryLoad(t, e.expression);
  if (!t.isCallExpression(e) || e.arguments.length !== 1 || !t.isStringLiteralLike(e.arguments[0]) || !isLibrary(e.arguments[0].text)) return false;
  return e.expression.kind === t.SyntaxKind.ImportKeyword || (t.isIdentifier(e.expression) && e.expression.text === "require");
}

interface Bindings {
  /** Local names bound to the whole library (namespace and default imports, `const nn = require("nnlab")`). */
  namespaces: Set<string>;
  /** Local name → the forbidden library function it is bound to. */
  aliases: Map<string, string>;
}

/** What a cell binds from "nnlab"; `onImport` is told of every forbidden name it imports, with the line. */
function libraryBindings(t: typeof TS, sf: TS.SourceFile, forbidden: Set<string>, into: Bindings, onImport?: (name: string, node: TS.Node) => void): void {
  const named = (imported: string, local: string, node: TS.Node) => {
    if (!forbidden.has(imported)) return;
    into.aliases.set(local, imported);
    onImport?.(imported, node);
  };
  const visit = (node: TS.Node) => {
    if (t.isImportDeclaration(node) && t.isStringLiteral(node.moduleSpecifier) && isLibrary(node.moduleSpecifier.text)) {
      const clause = node.importClause;
      if (clause?.name) into.namespaces.add(clause.name.text);
      const b = clause?.namedBindings;
      if (b && t.isNamespaceImport(b)) into.namespaces.add(b.name.text);
      if (b && t.isNamedImports(b)) for (const el of b.elements) named((el.propertyName ?? el.name).text, el.name.text, el);
    } else if (t.isImportEqualsDeclaration(node) && t.isExternalModuleReference(node.moduleReference)) {
      const ref = node.moduleReference.expression;
      if (t.isStringLiteral(ref) && isLibrary(ref.text)) into.namespaces.add(node.name.text);
    } else if (t.isVariableDeclaration(node) && node.initializer && isLibraryLoad(t, node.initializer)) {
      if (t.isIdentifier(node.name)) into.namespaces.add(node.name.text);
      else if (t.isObjectBindingPattern(node.name)) {
        for (const el of node.name.elements) {
          const key = el.propertyName && t.isIdentifier(el.propertyName) ? el.propertyName.text : t.isIdentifier(el.name) ? el.name.text : undefined;
          if (key && t.isIdentifier(el.name)) named(key, el.name.text, el);
        }
      }
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
}

/** Every name a cell declares anywhere (functions, variables, parameters, classes): a local of that name shadows the library's. */
function localNames(t: typeof TS, sf: TS.SourceFile): Set<string> {
  const names = new Set<string>();
  const bind = (n: TS.BindingName) => {
    if (t.isIdentifier(n)) names.add(n.text);
    else for (const el of n.elements) if (!t.isOmittedExpression(el)) bind(el.name);
  };
  const visit = (node: TS.Node) => {
    if ((t.isFunctionDeclaration(node) || t.isClassDeclaration(node) || t.isFunctionExpression(node)) && node.name) names.add(node.name.text);
    if ((t.isVariableDeclaration(node) || t.isParameter(node)) && !(node.initializer && isLibraryLoad(t, node.initializer))) bind(node.name);
    t.forEachChild(node, visit);
  };
  visit(sf);
  return names;
}

const parse = (t: typeof TS, source: string) => t.createSourceFile("cell.ts", source, t.ScriptTarget.ES2022, true, t.ScriptKind.TS);

/** Uses of forbidden library functions in the answer cells of a (restored) submission, in cell and line order. */
export function findForbiddenUses(nb: Notebook, names: string[]): ForbiddenUse[] {
  if (names.length === 0) return [];
  const t = ts();
  const forbidden = new Set(names);
  const files = nb.cells.map((c) => (c.cell_type === "code" ? parse(t, c.source) : undefined));
  // Imports in any cell count: a student may import in a scratch cell and call in the answer.
  const everywhere: Bindings = { namespaces: new Set(), aliases: new Map() };
  for (const sf of files) if (sf) libraryBindings(t, sf, forbidden, everywhere);

  const uses: ForbiddenUse[] = [];
  nb.cells.forEach((cell, index) => {
    const sf = files[index];
    if (!sf || cellRole(cell) !== "solution") return;
    const found = new Map<string, ForbiddenUse>();
    const add = (name: string, node: TS.Node, how: ForbiddenUse["how"]) => {
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      const key = `${name}:${how}`;
      if (!found.has(key)) found.set(key, { cell: index, gradeId: gradeId(cell), name, line, how });
    };
    libraryBindings(t, sf, forbidden, { namespaces: new Set(), aliases: new Map() }, (name, node) => add(name, node, "imports"));
    const locals = localNames(t, sf);
    const visit = (node: TS.Node) => {
      if (t.isPropertyAccessExpression(node) && forbidden.has(node.name.text)) {
        const target = node.expression;
        if ((t.isIdentifier(target) && everywhere.namespaces.has(target.text) && !locals.has(target.text)) || isLibraryLoad(t, target)) add(node.name.text, node, "uses");
      } else if (t.isElementAccessExpression(node) && t.isStringLiteralLike(node.argumentExpression) && forbidden.has(node.argumentExpression.text)) {
        const target = node.expression;
        if ((t.isIdentifier(target) && everywhere.namespaces.has(target.text) && !locals.has(target.text)) || isLibraryLoad(t, target)) add(node.argumentExpression.text, node, "uses");
      } else if (t.isIdentifier(node) && everywhere.aliases.has(node.text) && !locals.has(node.text) && isReference(t, node)) {
        add(everywhere.aliases.get(node.text)!, node, "uses");
      }
      t.forEachChild(node, visit);
    };
    visit(sf);
    uses.push(...[...found.values()].sort((a, b) => a.line - b.line));
  });
  return uses;
}

/** An identifier that refers to a binding (not a property name, a declaration's name or an import specifier). */
function isReference(t: typeof TS, id: TS.Identifier): boolean {
  const p = id.parent;
  if (t.isPropertyAccessExpression(p) && p.name === id) return false;
  if ((t.isPropertyAssignment(p) || t.isMethodDeclaration(p) || t.isPropertyDeclaration(p)) && p.name === id) return false;
  if (t.isImportSpecifier(p) || t.isImportClause(p) || t.isNamespaceImport(p) || t.isBindingElement(p)) return false;
  return true;
}

/** The line shown to the student and the instructor for one use. */
export function describeUse(u: ForbiddenUse): string {
  const cell = u.gradeId ? `answer cell "${u.gradeId}"` : `cell ${u.cell + 1}`;
  return `${cell} ${u.how} nnlab's ${u.name} (line ${u.line}), which this exercise forbids`;
}

/**
 * The result after the policy: every use becomes a note; each test that uses
 * a flagged answer cell's declarations says so in its output and, under
 * "zero", earns nothing. `assignment` is the instructor's notebook (whose
 * declarations and tests decide which tests an answer cell feeds).
 */
export function applyForbiddenPolicy(result: SubmissionResult, graded: Notebook, assignment: Notebook, override?: ForbiddenPolicy): SubmissionResult {
  const uses = findForbiddenUses(graded, forbiddenNames(assignment));
  if (uses.length === 0) return result;
  const policy = forbiddenPolicy(assignment, override);
  const declaredBy = new Map<string, Set<string>>();
  for (const cell of assignment.cells) {
    const id = gradeId(cell);
    if (id && cellRole(cell) === "solution" && cell.cell_type === "code") declaredBy.set(id, declaredNames(cell.source));
  }
  const deps = testDependencies(assignment);
  const tests = result.tests.map((test) => {
    const uses_ = deps.get(test.gradeId) ?? [];
    const mine = uses.filter((u) => u.gradeId !== undefined && uses_.some((n) => declaredBy.get(u.gradeId!)?.has(n)));
    if (mine.length === 0) return test;
    const why = mine.map(describeUse);
    if (policy === "flag") return { ...test, output: [test.output, ...why.map((w) => `Flagged: ${w}.`)].filter((s) => s !== "").join("\n") };
    return { ...test, score: 0, status: "failed" as const, output: [test.output, ...why.map((w) => `0 points: ${w}.`)].filter((s) => s !== "").join("\n") };
  });
  const score = round(tests.reduce((s, t) => s + t.score, 0), 4);
  const notes = [...result.notes, ...uses.map((u) => `${describeUse(u)} (${policy === "zero" ? "its tests earn no points" : "flagged only"})`)];
  return { ...result, tests, score, notes };
}
