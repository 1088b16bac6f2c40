// Notebook files: nbformat 4 types, reading, writing (byte-identical to Jupyter) and validation.
export * from "./types";
export { readNotebookFile, parseNotebook, addCellIds, stripTransient, isJsonMime } from "./read";
export { serializeNotebook, writeNotebookFile, writeFileAtomic, cloneJson } from "./write";
export { validateNotebook, ValidationResult } from "./validate";
export { RawNumber, JsonSyntaxError, parsePyJson, stringifyPyJson, pySplitLines, pyFloatRepr } from "./pyjson";
