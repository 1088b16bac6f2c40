// What grading one submission produces (written as results.json, a row of
// grades.csv and feedback.md/.html).

export interface TestResult {
  /** The test cell's grade_id. */
  gradeId: string;
  maxScore: number;
  score: number;
  status: "passed" | "failed";
  /** What the student may see: visible output and errors, hidden runs only as passed/failed. */
  output: string;
  /** True when the test has hidden parts. */
  hidden: boolean;
}

export interface SubmissionResult {
  student: string;
  /** The submission file as given on the command line. */
  submission: string;
  /** sha256 of the submission's bytes (null when it could not be read). */
  submissionSha256: string | null;
  /** sha256 of the assignment (solution notebook) it was graded against. */
  assignmentSha256: string;
  /** "graded": the notebook ran (even if badly); "failed": it could not be graded at all (reason says why). */
  status: "graded" | "failed";
  score: number;
  maxScore: number;
  /** One line for grades.csv: empty when there is nothing to say. */
  reason: string;
  tests: TestResult[];
  /** Instructor cells the submission changed (restored before grading). */
  tampering: string[];
  /** Missing answers, unknown grade_ids and similar. */
  notes: string[];
  /** Errors, timeouts and crashes while the notebook ran. */
  problems: string[];
  /** Seconds spent on this submission. */
  executionTime: number;
  gradedAt: string;
}
