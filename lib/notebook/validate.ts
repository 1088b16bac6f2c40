// Validation against the official nbformat v4.5 JSON schema.
// nbformat.v4.5.schema.json is copied unchanged from the `nbformat` PyPI
// package (5.11.1, nbformat/v4/nbformat.v4.5.schema.json; BSD-3-Clause,
// © IPython / Jupyter Development Team).
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import schemaFile from "./nbformat.v4.5.schema.json";
import { Notebook } from "./types";

export interface ValidationResult {
  valid: boolean;
  /** One readable line per problem, e.g. "cells/2/outputs/0: must have required property 'name'". */
  errors: string[];
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // The schema is draft-04; its keywords mean the same in Ajv's default draft,
    // so we compile it without the draft-04 meta-schema reference.
    const { $schema: _draft, ...schema } = schemaFile as Record<string, unknown>;
    compiled = new Ajv({ strict: false, allErrors: true }).compile(schema);
  }
  return compiled;
}

/** Checks the notebook's structure (multi-line text may be a string or a list of lines, as the schema allows). */
export function validateNotebook(nb: Notebook): ValidationResult {
  // A plain-JSON copy: RawNumber becomes its value, NaN/Infinity in metadata become null.
  const onDisk = JSON.parse(JSON.stringify(nb)) as unknown;
  const validate = validator();
  if (validate(onDisk)) return { valid: true, errors: [] };
  return { valid: false, errors: describe(validate.errors ?? []) };
}

function describe(errors: ErrorObject[]): string[] {
  // "oneOf" on cells/outputs reports every branch; the specific messages are more useful, so drop the summary lines.
  const specific = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf");
  const lines = (specific.length > 0 ? specific : errors).map(
    (e) => `${e.instancePath.replace(/^\//, "") || "(notebook)"}: ${e.message ?? e.keyword}${e.keyword === "additionalProperties" ? ` '${String((e.params as { additionalProperty?: string }).additionalProperty)}'` : ""}`,
  );
  return [...new Set(lines)];
}
