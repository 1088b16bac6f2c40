// tfjs-node 4.22 (its last release) calls util.isNullOrUndefined and
// util.isArray, which Node 23 removed: on Node 24 every op that builds an
// attribute (matMul, sum, …) throws "is not a function". Loading tfjs-node
// after this puts the two helpers back, as Node 22 defined them, where they
// are missing. scripts/setup-tfjs-node.js's load test uses it too.
export function restoreRemovedUtilHelpers(): void {
  // The module object itself (an import would give an interop copy tfjs-node never sees).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const u = require("node:util") as { isNullOrUndefined?: (v: unknown) => boolean; isArray?: (v: unknown) => boolean };
  u.isNullOrUndefined ??= (v: unknown) => v === null || v === undefined;
  u.isArray ??= Array.isArray;
}
