// Marked regions inside cell sources.
//
//   // BEGIN SOLUTION        (in solution cells: the instructor's answer;
//   …                         the student version gets a stub instead)
//   // END SOLUTION
//
//   // BEGIN HIDDEN TESTS    (in test cells: checks that run when grading
//   …                         but are removed from the student version and
//   // END HIDDEN TESTS       never shown in feedback)
//
// Markers are whole lines (leading spaces allowed). Each region must be
// closed, and regions do not nest.

export const SOLUTION_STUB_COMMENT = "// YOUR CODE HERE";
export const SOLUTION_STUB_THROW = 'throw new Error("not implemented");';
/** Whole-cell stub for a solution cell without markers (nbgrader does the same). */
export const SOLUTION_STUB = `${SOLUTION_STUB_COMMENT}\n${SOLUTION_STUB_THROW}`;

type Kind = "solution" | "hidden";

const MARKERS: { re: RegExp; kind: Kind; begin: boolean }[] = [
  { re: /^[ \t]*\/\/[ \t]*BEGIN SOLUTION\b.*$/, kind: "solution", begin: true },
  { re: /^[ \t]*\/\/[ \t]*END SOLUTION\b.*$/, kind: "solution", begin: false },
  { re: /^[ \t]*\/\/[ \t]*BEGIN HIDDEN TESTS\b.*$/, kind: "hidden", begin: true },
  { re: /^[ \t]*\/\/[ \t]*END HIDDEN TESTS\b.*$/, kind: "hidden", begin: false },
];

const NAMES: Record<Kind, string> = { solution: "SOLUTION", hidden: "HIDDEN TESTS" };

export class RegionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegionError";
  }
}

/** A run of lines: outside any region, or inside one (markers excluded). */
export interface Segment {
  kind: "code" | Kind;
  /** The lines, joined with "\n" (no trailing newline added). */
  text: string;
  /** Indentation of the BEGIN marker (for stubs). */
  indent: string;
  /** 1-based line of the first line of this segment's text (or of the BEGIN marker). */
  line: number;
}

/**
 * Splits a cell source into code and region segments. `where` names the
 * cell in error messages ("cell 4").
 */
export function splitRegions(source: string, where = "cell"): Segment[] {
  const lines = source.split("\n");
  const segments: Segment[] = [];
  let current: Segment = { kind: "code", text: "", indent: "", line: 1 };
  let buffer: string[] = [];
  let openLine = 0;
  const flush = (next: Segment) => {
    current.text = buffer.join("\n");
    if (current.kind !== "code" || buffer.length > 0) segments.push(current);
    current = next;
    buffer = [];
  };
  lines.forEach((line, i) => {
    const marker = MARKERS.find((m) => m.re.test(line));
    if (!marker) {
      buffer.push(line);
      return;
    }
    const at = `${where}, line ${i + 1}`;
    if (marker.begin) {
      if (current.kind !== "code") {
        throw new RegionError(`${at}: "// BEGIN ${NAMES[marker.kind]}" inside a ${NAMES[current.kind as Kind]} region opened on line ${openLine}; regions cannot nest`);
      }
      openLine = i + 1;
      flush({ kind: marker.kind, text: "", indent: /^[ \t]*/.exec(line)![0], line: i + 1 });
    } else {
      if (current.kind !== marker.kind) {
        throw new RegionError(`${at}: "// END ${NAMES[marker.kind]}" without a matching "// BEGIN ${NAMES[marker.kind]}"`);
      }
      flush({ kind: "code", text: "", indent: "", line: i + 2 });
    }
  });
  if (current.kind !== "code") {
    throw new RegionError(`${where}, line ${openLine}: "// BEGIN ${NAMES[current.kind]}" is never closed with "// END ${NAMES[current.kind]}"`);
  }
  flush(current);
  return segments;
}

export function hasRegion(source: string, kind: Kind, where?: string): boolean {
  return splitRegions(source, where).some((s) => s.kind === kind);
}

/** The source with every solution region replaced by the stub (at the marker's indentation). */
export function stubSolutions(source: string, where?: string): string {
  return splitRegions(source, where)
    .map((s) => (s.kind === "solution" ? `${s.indent}${SOLUTION_STUB_COMMENT}\n${s.indent}${SOLUTION_STUB_THROW}` : s.text))
    .join("\n");
}

/** The source with hidden-test regions (and their markers) removed. */
export function removeHidden(source: string, where?: string): string {
  return splitRegions(source, where)
    .filter((s) => s.kind !== "hidden")
    .map((s) => s.text)
    .join("\n");
}

/** The source without any marker lines (what actually runs when grading). */
export function stripMarkers(source: string, where?: string): string {
  return splitRegions(source, where)
    .map((s) => s.text)
    .join("\n");
}

/**
 * Test-cell source cut into consecutive runs of visible and hidden code, in
 * order; the grader runs each run separately so that the output of hidden
 * runs can be withheld from feedback.
 */
export function testRuns(source: string, where?: string): { hidden: boolean; code: string }[] {
  const runs: { hidden: boolean; code: string }[] = [];
  for (const s of splitRegions(source, where)) {
    if (s.kind === "solution") throw new RegionError(`${where ?? "cell"}, line ${s.line}: a test cell cannot contain a SOLUTION region`);
    const hidden = s.kind === "hidden";
    const last = runs[runs.length - 1];
    if (s.text.trim() === "") continue;
    if (last && last.hidden === hidden) last.code += "\n" + s.text;
    else runs.push({ hidden, code: s.text });
  }
  return runs;
}

/**
 * Text fragments of hidden regions that must never appear in feedback: each
 * non-trivial line and each string literal. Used as a last scrub of
 * everything the grader writes.
 */
export function hiddenFragments(source: string, where?: string): string[] {
  const out = new Set<string>();
  for (const s of splitRegions(source, where)) {
    if (s.kind !== "hidden") continue;
    for (const line of s.text.split("\n")) {
      const t = line.trim();
      if (t.length >= 8) out.add(t);
      for (const m of t.matchAll(/"((?:[^"\\]|\\.){4,})"|'((?:[^'\\]|\\.){4,})'|`((?:[^`\\]|\\.){4,})`/g)) {
        out.add(m[1] ?? m[2] ?? m[3]);
      }
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}
