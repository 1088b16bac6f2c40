// Checksums of instructor cells, computed exactly as nbgrader's
// utils.compute_checksum does (md5 over the UTF-8 of: source, cell type,
// str(is_grade), str(is_solution), str(is_locked), grade_id and, for graded
// cells, str(float(points))), so nbgrader accepts notebooks we generate and
// we can tell when a student edited a locked cell.
import { createHash } from "node:crypto";
import type { Cell } from "../notebook";
import { pyFloatRepr } from "../notebook";
import { cellPoints, gradeId, isGrade, isLocked, isSolution } from "./metadata";

const pyBool = (b: boolean) => (b ? "True" : "False");

export function computeChecksum(cell: Cell): string {
  const md5 = createHash("md5");
  md5.update(cell.source, "utf8");
  md5.update(cell.cell_type, "utf8");
  md5.update(pyBool(isGrade(cell)));
  md5.update(pyBool(isSolution(cell)));
  md5.update(pyBool(isLocked(cell)));
  md5.update(gradeId(cell) ?? "", "utf8");
  if (isGrade(cell)) md5.update(pyFloatRepr(cellPoints(cell)));
  return md5.digest("hex");
}
