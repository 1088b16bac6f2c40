// Splitting a test run in two: what the student's process may run, and what
// only the trusted kernel runs (docs/security.md).
//
//   check.equal(countWeights([12, 5, 10]), 110, "(12, 5, 10)")
//     student's kernel:  nnlabGrader.value(0, countWeights([12, 5, 10]))
//     trusted kernel:    nnlabTrusted.equal(0, countWeights([12, 5, 10]), 110, "(12, 5, 10)")
//
// The student's process computes only the ACTUAL value of each check (an
// expression that involves the student's code) and reports it as data; the
// expected value, the tolerance, the message and the comparison exist only in
// the trusted kernel and the grader. In hidden runs, code that only feeds
// expected values (a reference computation, a loop that sums the expected
// entry) is removed from the student's version too, and comments never reach
// it. Checks are numbered in source order ("sites") so both sides can be
// aligned call by call.
import type * as TS from "@tslab/typescript-for-tslab";

let tsModule: typeof TS | undefined;
function ts(): typeof TS {
  tsModule ??= require("@tslab/typescript-for-tslab") as typeof TS;
  return tsModule;
}

export type CheckKind = "equal" | "close" | "ok" | "throws" | "partial";
const KINDS = new Set<string>(["equal", "close", "ok", "throws", "partial"]);

/** The global the student's kernel reports values through (sandbox/agent.ts). */
export const STUDENT_GLOBAL = "nnlabGrader";
/** The global the trusted kernel records expectations through (trusted-recorder.ts). */
export const TRUSTED_GLOBAL = "nnlabTrusted";

export interface CheckSite {
  site: number;
  kind: CheckKind;
  /** 1-based line of the call in the run's code. */
  line: number;
  /** Text of a `// hint: …` comment right above the statement: shown when a hidden check fails. */
  hint?: string;
  /** The expected value involves the student's code, so the student's process computes it too. */
  expectedFromStudent: boolean;
}

export interface SplitRun {
  student: string;
  trusted: string;
  sites: CheckSite[];
  /** Why a verdict of this run could be forged by the student's process (nnlab validate warns). */
  forgeable: string[];
}

/** Arguments of each check that the student's process evaluates (the rest never reaches it). */
function actualArgs(kind: CheckKind, expectedFromStudent: boolean): number {
  if (kind === "equal" || kind === "close") return expectedFromStudent ? 2 : 1;
  return 1; // ok: the condition; throws: the function; partial: the parts
}

const HINT = /^\/\/\s*hint:\s*(.+)$/i;

export function splitRun(code: string, studentNames: ReadonlySet<string>, hidden: boolean): SplitRun {
  const t = ts();
  const file = t.createSourceFile("test.ts", code, t.ScriptTarget.ES2022, true, t.ScriptKind.TS);
  const calls = new Map<TS.CallExpression, CheckSite>();
  const forgeable: string[] = [];
  const tainted = taintedNames(file, studentNames);
  const lineOf = (n: TS.Node) => file.getLineAndCharacterOfPosition(n.getStart(file)).line + 1;

  // 1. Find the checks, in source order.
  const visit = (node: TS.Node): void => {
    if (t.isCallExpression(node)) {
      const kind = checkKind(node);
      if (kind) {
        const expectedFromStudent = (kind === "equal" || kind === "close") && node.arguments.length > 1 && mentions(node.arguments[1], tainted);
        const site: CheckSite = { site: calls.size, kind, line: lineOf(node), expectedFromStudent, ...hintFor(node) };
        calls.set(node, site);
        if (hidden) forgeable.push(...forgeableReasons(site, node));
      }
    } else if (t.isIdentifier(node) && node.text === "check" && !isCheckCallee(node)) {
      forgeable.push(`line ${lineOf(node)}: \`check\` is used other than as check.equal/close/ok/throws/partial(...) called directly; such a use fails when grading`);
    }
    t.forEachChild(node, visit);
  };
  visit(file);
  function hintFor(node: TS.Node): { hint?: string } {
    let stmt: TS.Node = node;
    while (stmt.parent && !t.isSourceFile(stmt.parent) && !t.isBlock(stmt.parent)) stmt = stmt.parent;
    const ranges = t.getLeadingCommentRanges(code, stmt.pos) ?? [];
    for (let i = ranges.length - 1; i >= 0; i--) {
      const m = HINT.exec(code.slice(ranges[i].pos, ranges[i].end).trim());
      if (m) return { hint: m[1].trim() };
    }
    return {};
  }

  // 2. Argument subtrees the student's process never evaluates.
  const dropped = new Set<TS.Node>();
  for (const [call, site] of calls) call.arguments.slice(actualArgs(site.kind, site.expectedFromStudent)).forEach((a) => dropped.add(a));
  // 3. In hidden runs, also the statements that only compute what was dropped.
  const dead = hidden ? deadStatements(file, dropped, tainted) : new Set<TS.Node>();

  const printer = t.createPrinter({ removeComments: true });
  const student = printer.printFile(t.transform(file, [rewrite(calls, dead, "student")]).transformed[0] as TS.SourceFile);
  const trusted = printer.printFile(t.transform(file, [rewrite(calls, dead, "trusted")]).transformed[0] as TS.SourceFile);
  return { student, trusted, sites: [...calls.values()], forgeable };
}

/** Is this `check` the object of a `check.kind(...)` call? */
function isCheckCallee(id: TS.Identifier): boolean {
  const t = ts();
  const access = id.parent;
  return t.isPropertyAccessExpression(access) && access.expression === id && t.isCallExpression(access.parent) && access.parent.expression === access && checkKind(access.parent) !== undefined;
}

/** `check.equal(...)` → "equal" (any other call → undefined). */
export function checkKind(call: TS.CallExpression): CheckKind | undefined {
  const t = ts();
  const callee = call.expression;
  if (!t.isPropertyAccessExpression(callee) || !t.isIdentifier(callee.expression) || callee.expression.text !== "check") return undefined;
  return KINDS.has(callee.name.text) ? (callee.name.text as CheckKind) : undefined;
}

function forgeableReasons(site: CheckSite, call: TS.CallExpression): string[] {
  const t = ts();
  const at = `line ${site.line}`;
  if (site.kind === "ok") return [`${at}: check.ok decides in the student's process (the condition is computed there); compare a value with check.equal or check.close`];
  if (site.expectedFromStudent) return [`${at}: the expected value is computed by the student's code, so the student's process could claim both sides; compare with a literal or a reference value`];
  if (site.kind === "partial" && !(call.arguments[0] && t.isObjectLiteralExpression(call.arguments[0]))) return [`${at}: check.partial needs an object literal of named parts`];
  return [];
}

/** Names in the test code whose value depends on the student's code (by name, over-approximated). */
function taintedNames(file: TS.SourceFile, studentNames: ReadonlySet<string>): Set<string> {
  const t = ts();
  const tainted = new Set(studentNames);
  const flows: { target: string[]; source: TS.Node }[] = [];
  const bindingNames = (b: TS.BindingName, out: string[]) => {
    if (t.isIdentifier(b)) out.push(b.text);
    else for (const el of b.elements) if (!t.isOmittedExpression(el)) bindingNames(el.name, out);
  };
  const visit = (node: TS.Node): void => {
    if (t.isVariableDeclaration(node) && node.initializer) {
      const target: string[] = [];
      bindingNames(node.name, target);
      flows.push({ target, source: node.initializer });
    } else if ((t.isForOfStatement(node) || t.isForInStatement(node)) && t.isVariableDeclarationList(node.initializer)) {
      const target: string[] = [];
      for (const d of node.initializer.declarations) bindingNames(d.name, target);
      flows.push({ target, source: node.expression });
    } else if (t.isBinaryExpression(node) && node.operatorToken.kind >= t.SyntaxKind.FirstAssignment && node.operatorToken.kind <= t.SyntaxKind.LastAssignment && t.isIdentifier(node.left)) {
      flows.push({ target: [node.left.text], source: node.right });
    }
    // Arguments a student function changes are NOT tainted: the trusted kernel runs the solution's
    // function on them, so an expected value built from them is what a correct answer gives.
    t.forEachChild(node, visit);
  };
  visit(file);
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of flows) {
      if (f.target.every((n) => tainted.has(n)) || !mentions(f.source, tainted)) continue;
      for (const n of f.target) if (!tainted.has(n)) (tainted.add(n), (changed = true));
    }
  }
  return tainted;
}

/** Does `node` refer to one of `names`? (Property names — `obj.mm`, `{ mm: 1 }` — are not references.) */
function mentions(node: TS.Node, names: ReadonlySet<string>): boolean {
  const t = ts();
  let found = false;
  const isPropertyName = (id: TS.Identifier) => {
    const p = id.parent;
    return !!p && (((t.isPropertyAccessExpression(p) || t.isQualifiedName(p)) && (p as TS.PropertyAccessExpression).name === id) || ((t.isPropertyAssignment(p) || t.isMethodDeclaration(p) || t.isPropertyDeclaration(p)) && p.name === id));
  };
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (t.isIdentifier(n) && names.has(n.text) && !isPropertyName(n)) found = true;
    else t.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/**
 * Marks, until nothing changes, the statements of a hidden run that only feed
 * dropped arguments: declarations nobody reads any more (whose initialisers
 * do not touch the student's code), assignments to them, and loops, ifs and
 * blocks left empty.
 */
function deadStatements(file: TS.SourceFile, droppedArgs: ReadonlySet<TS.Node>, tainted: ReadonlySet<string>): Set<TS.Node> {
  const t = ts();
  const dropped = new Set<TS.Node>(droppedArgs);
  const dead = new Set<TS.Node>();
  const isAssignmentTo = (stmt: TS.Statement): string | undefined => {
    if (!t.isExpressionStatement(stmt)) return undefined;
    const e = stmt.expression;
    if (t.isBinaryExpression(e) && e.operatorToken.kind >= t.SyntaxKind.FirstAssignment && e.operatorToken.kind <= t.SyntaxKind.LastAssignment && t.isIdentifier(e.left) && !mentions(e.right, tainted)) return e.left.text;
    if ((t.isPostfixUnaryExpression(e) || t.isPrefixUnaryExpression(e)) && t.isIdentifier(e.operand)) return e.operand.text;
    return undefined;
  };
  const isEmpty = (s: TS.Statement | undefined): boolean => !s || dropped.has(s) || t.isEmptyStatement(s) || (t.isBlock(s) && s.statements.every((x) => isEmpty(x)));
  for (let changed = true; changed; ) {
    changed = false;
    // Names still read somewhere that runs.
    const read = new Set<string>();
    const collect = (n: TS.Node): void => {
      if (dropped.has(n)) return;
      if (t.isExpressionStatement(n) && isAssignmentTo(n) !== undefined) {
        if (t.isBinaryExpression(n.expression)) collect(n.expression.right);
        return;
      }
      if (t.isIdentifier(n) && !isDeclarationName(n)) read.add(n.text);
      t.forEachChild(n, collect);
    };
    collect(file);
    const drop = (n: TS.Node) => {
      if (!dropped.has(n)) (dropped.add(n), dead.add(n), (changed = true));
    };
    const visit = (n: TS.Node): void => {
      if (dropped.has(n)) return;
      if (t.isVariableStatement(n)) {
        const decls = n.declarationList.declarations;
        if (decls.every((d) => t.isIdentifier(d.name) && !read.has(d.name.text) && !(d.initializer && mentions(d.initializer, tainted)))) drop(n);
      } else if (t.isFunctionDeclaration(n) && n.name && !read.has(n.name.text)) {
        drop(n);
      } else if (t.isExpressionStatement(n)) {
        const target = isAssignmentTo(n);
        if (target !== undefined && !read.has(target) && !tainted.has(target)) drop(n);
      } else if ((t.isForStatement(n) || t.isForOfStatement(n) || t.isForInStatement(n) || t.isWhileStatement(n)) && isEmpty(n.statement) && !mentions(n, tainted)) {
        drop(n);
      } else if (t.isIfStatement(n) && isEmpty(n.thenStatement) && isEmpty(n.elseStatement) && !mentions(n.expression, tainted)) {
        drop(n);
      } else if (t.isBlock(n) && t.isSourceFile(n.parent) && isEmpty(n)) {
        drop(n);
      }
      t.forEachChild(n, visit);
    };
    visit(file);
  }
  return dead;
}

function isDeclarationName(id: TS.Identifier): boolean {
  const t = ts();
  const p = id.parent;
  return (t.isVariableDeclaration(p) || t.isFunctionDeclaration(p) || t.isParameter(p) || t.isBindingElement(p)) && p.name === id;
}

/** The transformer that writes one side's version. */
function rewrite(calls: Map<TS.CallExpression, CheckSite>, dead: ReadonlySet<TS.Node>, side: "student" | "trusted"): TS.TransformerFactory<TS.SourceFile> {
  const t = ts();
  return (context) => {
    const f = context.factory;
    const visit = (node: TS.Node): TS.VisitResult<TS.Node | undefined> => {
      if (side === "student" && dead.has(node)) {
        // A statement in a list disappears; the body of a loop or if becomes an empty statement.
        return node.parent && (t.isBlock(node.parent) || t.isSourceFile(node.parent) || t.isCaseClause(node.parent)) ? undefined : f.createEmptyStatement();
      }
      if (t.isCallExpression(node) && calls.has(node)) {
        const site = calls.get(node)!;
        const args = node.arguments.map((a) => t.visitNode(a, visit) as TS.Expression);
        const siteArg = f.createNumericLiteral(site.site);
        if (side === "trusted") {
          return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(TRUSTED_GLOBAL), site.kind), undefined, [siteArg, ...args]);
        }
        const kept = args.slice(0, actualArgs(site.kind, site.expectedFromStudent));
        if (site.kind === "partial" && kept[0] && t.isObjectLiteralExpression(kept[0])) {
          // Part names are text of the test: only the functions cross, in order.
          const parts = kept[0].properties.map((p) => (t.isPropertyAssignment(p) ? p.initializer : t.isMethodDeclaration(p) ? f.createArrowFunction(undefined, undefined, [], undefined, undefined, p.body ?? f.createBlock([])) : f.createIdentifier("undefined")));
          kept[0] = f.createArrayLiteralExpression(parts);
        }
        const method = site.kind === "throws" ? "throws" : site.kind === "partial" ? "partial" : kept.length === 2 ? "values" : "value";
        return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(STUDENT_GLOBAL), method), undefined, [siteArg, ...kept]);
      }
      return t.visitEachChild(node, visit, context);
    };
    return (sf) => t.visitNode(sf, visit) as TS.SourceFile;
  };
}
