// Assignment notebooks: nbgrader cell roles, solution / hidden-test regions,
// checksums, the student version and the `check` helper for test cells.
export * from "./metadata";
export { computeChecksum } from "./checksum";
export * from "./regions";
export { AssignmentError, checkAssignment, studentCell, generateStudentVersion } from "./generate";
export { declaredNames, mentionedNames, testDependencies } from "./dependencies";
export { check, createCheck, CheckError, describe } from "../../lib/check";
export type { Check, CheckOptions, PartialResult } from "../../lib/check";
