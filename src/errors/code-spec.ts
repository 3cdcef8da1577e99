/**
 * What kind of failure an error code stands for. The kind alone decides the CLI exit code and the HTTP
 * status, so every front end (CLI, REST agent, monitor) maps errors the same way.
 */
export type ErrorKind =
  | "input" // the user's input is wrong: a flag, a file, a manifest
  | "notFound" // a named thing (package, image, guest, path) does not exist
  | "conflict" // the request clashes with existing state
  | "forbidden" // refused by policy (read-only mode, escaping a root)
  | "tooLarge" // a size limit was exceeded
  | "unavailable" // a service, tool or resource outside us is missing or down
  | "failed" // the thing we ran (a guest, a test hook) reported failure
  | "internal"; // a bug in this project

export interface CodeSpec {
  readonly kind: ErrorKind;
  /** One line for the documented table. */
  readonly summary: string;
}

/** Exit codes of the CLI by kind (sysexits.h where one fits). */
export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = {
  input: 2,
  notFound: 2,
  conflict: 2,
  forbidden: 2,
  tooLarge: 2,
  failed: 1,
  unavailable: 69,
  internal: 70,
};

/** HTTP status by kind, used by the REST agent and other servers. */
export const HTTP_STATUS: Readonly<Record<ErrorKind, number>> = {
  input: 400,
  notFound: 404,
  conflict: 409,
  forbidden: 403,
  tooLarge: 413,
  failed: 500,
  unavailable: 503,
  internal: 500,
};
