// Which test cells depend on the student's answers? A test depends on a
// solution region when it mentions a name that a solution cell declares at
// top level (the function the student completes, a variable they compute).
// `nnlab validate` uses this: such a test must fail on the untouched student
// version, or it hands out free points.
import type * as TS from "@tslab/typescript-for-tslab";
import type { Notebook } from "../notebook";
import { cellRole, gradeId } from "./metadata";

let tsModule: typeof TS | undefined;
// tslab's own TypeScript, loaded only when needed (it takes a moment).
function ts(): typeof TS {
  tsModule ??= require("@tslab/typescript-for-tslab") as typeof TS;
  return tsModule;
}

function parse(source: string): TS.SourceFile {
  return ts().createSourceFile("cell.ts", source, ts().ScriptTarget.ES2022, true, ts().ScriptKind.TS);
}

/** Names declared at the top level of a cell: functions, classes, variables (incl. destructuring), enums. */
export function declaredNames(source: string): Set<string> {
  const t = ts();
  const names = new Set<string>();
  const addBinding = (b: TS.BindingName) => {
    if (t.isIdentifier(b)) names.add(b.text);
    else for (const el of b.elements) if (!t.isOmittedExpression(el)) addBinding(el.name);
  };
  for (const st of parse(source).statements) {
    if ((t.isFunctionDeclaration(st) || t.isClassDeclaration(st) || t.isEnumDeclaration(st)) && st.name) names.add(st.name.text);
    else if (t.isVariableStatement(st)) for (const d of st.declarationList.declarations) addBinding(d.name);
  }
  return names;
}

/** Every identifier a cell mentions (a superset of what it uses; good enough to find dependencies). */
export function mentionedNames(source: string): Set<string> {
  const t = ts();
  const names = new Set<string>();
  const visit = (node: TS.Node) => {
    if (t.isIdentifier(node)) names.add(node.text);
    t.forEachChild(node, visit);
  };
  visit(parse(source));
  return names;
}

/** grade_id of each test cell → the solution-declared names it mentions (empty = independent of the answers). */
export function testDependencies(nb: Notebook): Map<string, string[]> {
  const answerNames = new Set<string>();
  const deps = new Map<string, string[]>();
  nb.cells.forEach((cell, k) => {
    if (cell.cell_type !== "code") return;
    const role = cellRole(cell);
    if (role === "solution") for (const n of declaredNames(cell.source)) answerNames.add(n);
    if (role === "test") {
      const used = [...mentionedNames(cell.source)].filter((n) => answerNames.has(n));
      deps.set(gradeId(cell) ?? `cell-${k + 1}`, used);
    }
  });
  return deps;
}
