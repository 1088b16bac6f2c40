// tfjs-node 4.22 (its last release) calls util.isNullOrUndefined, which
// Node 23 removed (on Node 24 every op that builds an attribute — matMul,
// sum, … — throws "is not a function"), and util.isArray, which Node 24
// still has but warns about on stderr (DEP0044) in the middle of a notebook.
// Loading tfjs-node after this gives it both, as Node 22 defined them.
// scripts/setup-tfjs-node.js's load test uses it too.
export function restoreRemovedUtilHelpers(): void {
  // The module object itself (an import would give an interop copy tfjs-node never sees).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const u = require("node:util") as { isNullOrUndefined?: (v: unknown) => boolean; isArray?: (v: unknown) => boolean };
  u.isNullOrUndefined ??= (v: unknown) => v === null || v === undefined;
  u.isArray = Array.isArray; // what util.isArray always was, without the deprecation warning
}
