// A warm TypeScript converter in its own process (started by compiler.ts).
//
// It runs tslab's converter (the same code the kernel uses to turn a cell into
// JavaScript and type-check it against the cells before it) and answers
// {id, prevDecl, src} with {id, result}. It never runs notebook code, so it
// needs no sandbox; its working directory is an empty folder whose only
// content is a node_modules link, so a cell cannot import files it should
// not see.
const { createConverter } = require("tslab/dist/converter") as {
  createConverter(o: { isJS: boolean; isBrowser: boolean }): { convert(prevDecl: string, src: string): unknown; close(): void };
};

interface Request {
  id: number;
  prevDecl: string;
  src: string;
}

const converter = createConverter({ isJS: false, isBrowser: false });
const send = (msg: unknown) => process.send?.(msg);

process.on("message", (req: Request) => {
  try {
    send({ id: req.id, result: converter.convert(req.prevDecl, req.src) });
  } catch (e) {
    // The converter's state may be broken now (e.g. a stack overflow inside the compiler):
    // report the failure and stop, so the pool starts a fresh process for the next cell.
    const at = { offset: 0, line: 0, character: 0 };
    const messageText = `the TypeScript converter failed on this cell: ${String((e as Error)?.message ?? e).slice(0, 200)}`;
    send({ id: req.id, failed: true, result: { diagnostics: [{ start: at, end: at, messageText, category: 1, code: 0 }] } });
    process.exit(1);
  }
});
process.on("disconnect", () => process.exit(0));
send({ ready: true });
