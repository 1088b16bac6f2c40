// The last line of defence for hidden tests: every text the grader writes
// (feedback, results.json, grades.csv) passes through a Scrubber that
// replaces any line or string literal of a hidden-test region with
// "[hidden]" — even if student code managed to print it.
import type { Notebook } from "../notebook";
import { cellRole } from "../assignment/metadata";
import { hiddenFragments } from "../assignment/regions";

export class Scrubber {
  private readonly fragments: string[];

  constructor(fragments: Iterable<string>) {
    // Longest first, so a line is replaced before a literal inside it.
    this.fragments = [...new Set(fragments)].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
  }

  static forAssignment(nb: Notebook): Scrubber {
    const all: string[] = [];
    nb.cells.forEach((cell, k) => {
      if (cellRole(cell) === "test") all.push(...hiddenFragments(cell.source, `cell ${k + 1}`));
    });
    return new Scrubber(all);
  }

  text(s: string): string {
    let out = s;
    for (const f of this.fragments) if (out.includes(f)) out = out.split(f).join("[hidden]");
    return out;
  }
}
