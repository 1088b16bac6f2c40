// Validation against the official nbformat v4.5 JSON schema.
// nbformat.v4.5.schema.json is copied unchanged from the `nbformat` PyPI
// package (5.11.1, nbformat/v4/nbformat.v4.5.schema.json; BSD-3-Clause,
// © IPython / Jupyter Development Team).
import type Ajv from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import schemaFile from "./nbformat.v4.5.schema.json";
import { Notebook } from "./types";

export interface ValidationResult {
  valid: boolean;
  /** One readable line per problem, e.g. "cells/2/outputs/0: must have required property 'name'". */
  errors: string[];
}

const SCHEMA_ID = "nbformat-v4.5";
let ajv: Ajv | undefined;

/** Validator for the whole schema ("") or one definition ("code_cell", "stream", ...). */
function validator(definition = ""): ValidateFunction {
  if (!ajv) {
    // The schema is draft-04; its keywords mean the same in Ajv's default draft,
    // so we compile it without the draft-04 meta-schema reference.
    const { $schema: _draft, ...schema } = schemaFile as Record<string, unknown>;
    // Loaded on first use: `import "nnlab"` in a notebook should not pay for a schema compiler.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const AjvClass = (require("ajv") as typeof import("ajv")).default;
    ajv = new AjvClass({ strict: false, allErrors: true });
    ajv.addSchema({ ...schema, $id: SCHEMA_ID });
  }
  const ref = definition ? `${SCHEMA_ID}#/definitions/${definition}` : SCHEMA_ID;
  const v = ajv.getSchema(ref);
  if (!v) throw new Error(`nbformat schema has no definition ${definition}`);
  return v;
}

/** Checks the notebook's structure (multi-line text may be a string or a list of lines, as the schema allows). */
export function validateNotebook(nb: Notebook): ValidationResult {
  // A plain-JSON copy: RawNumber becomes its value, NaN/Infinity in metadata become null.
  const doc: unknown = JSON.parse(JSON.stringify(nb));
  const whole = validator();
  if (whole(doc)) return { valid: true, errors: [] };
  // Cells and outputs are a "oneOf" in the schema, so Ajv reports the errors of
  // every branch. Check each cell and output against the branch its own
  // cell_type / output_type names instead: those are the errors the author needs.
  const errors = (whole.errors ?? []).filter((e) => !/^\/cells\/\d+/.test(e.instancePath)).map((e) => line(e, ""));
  const cells = (doc as { cells?: unknown }).cells;
  if (Array.isArray(cells)) {
    cells.forEach((cell: unknown, i: number) => errors.push(...checkItem(cell, `cells/${i}`, "cell_type", CELL_TYPES)));
  }
  return { valid: false, errors: [...new Set(errors)] };
}

const CELL_TYPES: Record<string, string> = { code: "code_cell", markdown: "markdown_cell", raw: "raw_cell" };
const OUTPUT_TYPES: Record<string, string> = {
  execute_result: "execute_result", display_data: "display_data", stream: "stream", error: "error",
};

function checkItem(item: unknown, where: string, field: string, types: Record<string, string>): string[] {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return [`${where}: must be object`];
  const rec = item as Record<string, unknown>;
  const definition = types[String(rec[field])];
  if (!definition) return [`${where}/${field}: must be one of ${Object.keys(types).join(", ")} (is ${JSON.stringify(rec[field])})`];
  const outputs = definition === "code_cell" && Array.isArray(rec.outputs) ? rec.outputs : [];
  const v = validator(definition);
  const errors = v(definition === "code_cell" ? { ...rec, outputs: [] } : rec) ? [] : (v.errors ?? []).map((e) => line(e, where));
  outputs.forEach((out, k) => errors.push(...checkItem(out, `${where}/outputs/${k}`, "output_type", OUTPUT_TYPES)));
  return errors;
}

function line(e: ErrorObject, where: string): string {
  const at = `${where}${e.instancePath}`.replace(/^\//, "") || "(notebook)";
  const extra = e.keyword === "additionalProperties" ? ` '${String((e.params as { additionalProperty?: string }).additionalProperty)}'` : "";
  return `${at}: ${e.message ?? e.keyword}${extra}`;
}
