// The last line of defence for hidden tests: every text the grader writes
// (feedback, results.json, grades.csv) passes through a Scrubber that
// replaces any line or string literal of a hidden-test region with
// "[hidden]" — even if student code managed to print it.
import type { Notebook } from "../notebook";
import { cellRole } from "../assignment/metadata";
import { hiddenFragments } from "../assignment/regions";

const HINT_LINE = /^\s*\/\/\s*hint:\s*(.+)$/gim;
const HINT_LINE_START = /^\/\/\s*hint:/i;

export class Scrubber {
  private readonly fragments: string[];

  constructor(fragments: Iterable<string>) {
    // Longest first, so a line is replaced before a literal inside it.
    this.fragments = [...new Set(fragments)].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
  }

  static forAssignment(nb: Notebook): Scrubber {
    const all: string[] = [];
    const hints: string[] = [];
    nb.cells.forEach((cell, k) => {
      if (cellRole(cell) !== "test") return;
      all.push(...hiddenFragments(cell.source, `cell ${k + 1}`));
      for (const m of cell.source.matchAll(HINT_LINE)) hints.push(m[1].trim());
    });
    // Hints are published on purpose: neither they nor the words they contain are scrubbed.
    return new Scrubber(all.filter((f) => !HINT_LINE_START.test(f) && !hints.some((h) => h.includes(f))));
  }

  text(s: string): string {
    let out = s;
    for (const f of this.fragments) if (out.includes(f)) out = out.split(f).join("[hidden]");
    return out;
  }
}
