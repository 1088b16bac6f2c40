// Loaded with `node --require` in a grading kernel, before the kernel script.
//
// Grading converts TypeScript to JavaScript ONCE, in a shared warm compiler
// process (../compiler.ts), instead of starting the TypeScript compiler in
// every student's kernel (several seconds of CPU each). The kernel still runs
// each cell through tslab's own executor, so execution semantics are the
// kernel's; only the converter behind it is replaced by one that unpacks the
// conversion the grader sends as the cell "source":
//
//   {"nnlabCompiled":1,"result":{output, declOutput, diagnostics, hasToplevelAwait, lastExpressionVar}}
//
// tslab's metadata parser (//%module cells, which grading does not support)
// is replaced too, so the TypeScript compiler is never loaded here at all.
import Module from "node:module";
import path from "node:path";
import { builtins } from "../../../lib/captured-builtins";

const { JSONParse } = builtins;

export interface CompiledCell {
  nnlabCompiled: 1;
  result: {
    output?: string;
    declOutput?: string;
    diagnostics: { start: { offset: number; line: number; character: number }; end: { offset: number; line: number; character: number }; messageText: string; category: number; code: number; fileName?: string }[];
    hasToplevelAwait?: boolean;
    lastExpressionVar?: string;
    sourceMap?: unknown;
  };
}

function diagnostic(messageText: string) {
  const at = { offset: 0, line: 0, character: 0 };
  return { start: at, end: at, messageText, category: 1, code: 0 };
}

function preload(filename: string, exports: Record<string, unknown>): void {
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.loaded = true;
  mod.exports = exports;
  (require.cache as Record<string, NodeModule>)[filename] = mod;
}

const tslabDist = path.dirname(require.resolve("tslab/dist/converter"));

preload(path.join(tslabDist, "metadata.js"), {
  getCodeMetadata: () => ({}),
});

preload(path.join(tslabDist, "converter.js"), {
  createConverter: () => ({
    convert(_prevDecl: string, src: string) {
      let cell: CompiledCell | undefined;
      try {
        cell = JSONParse(src) as CompiledCell;
      } catch {
        cell = undefined;
      }
      if (!cell || cell.nnlabCompiled !== 1 || !cell.result) {
        return { diagnostics: [diagnostic("this grading kernel only runs code converted by the grader")] };
      }
      return cell.result;
    },
    addModule: () => [diagnostic("//%module cells are not supported when grading")],
    inspect: () => undefined,
    complete: () => ({ start: 0, end: 0, candidates: [] }),
    close() {},
  }),
  isCompleteCode: () => ({ completed: true }),
  esModuleToCommonJSModule: (js: string) => js,
  keepNamesInImport() {},
});
