/**
 * A problem found in a package: `mpm validate` collects all of them before reporting, and loadPackage()
 * throws MPM_E_PACKAGE_INVALID carrying them when any is an error.
 */
export type Severity = "error" | "warning";

export interface Problem {
  readonly severity: Severity;
  /** Package-relative file, e.g. "meta/run.yaml" or "usr/bin/app". */
  readonly file: string;
  /** 1-based line in that file, when the problem has a position. */
  readonly line?: number | undefined;
  /** Field path inside the file, e.g. "config_set.app.bootcmd" or "require[1]". */
  readonly field?: string | undefined;
  readonly message: string;
  readonly hint?: string | undefined;
}

/** "meta/run.yaml:4: config_set.app.bootcmd: message" — the form editors and CI logs understand. */
export function formatProblem(problem: Problem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  const field = problem.field ? ` ${problem.field}:` : "";
  const hint = problem.hint ? ` (hint: ${problem.hint})` : "";
  return `${where}: ${problem.severity}:${field} ${problem.message}${hint}`;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === "error");
}

/** Collects problems for one file, so checkers only say what is wrong and where. */
export class ProblemList {
  readonly items: Problem[] = [];

  error(
    file: string,
    message: string,
    where: { line?: number | undefined; field?: string; hint?: string } = {},
  ) {
    this.items.push({ severity: "error", file, message, ...where });
  }

  warning(
    file: string,
    message: string,
    where: { line?: number | undefined; field?: string; hint?: string } = {},
  ) {
    this.items.push({ severity: "warning", file, message, ...where });
  }

  add(problems: readonly Problem[]): void {
    this.items.push(...problems);
  }
}
