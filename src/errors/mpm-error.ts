import { CATALOG, type ErrorCode } from "./catalog.ts";
import { type ErrorKind, EXIT_CODES, HTTP_STATUS } from "./code-spec.ts";

export interface MpmErrorOptions {
  /** How to fix it, shown under the message. */
  hint?: string;
  cause?: unknown;
  /** Structured facts for machine readers (file, line, field...). */
  details?: Record<string, unknown>;
}

/**
 * The one error type of the project. `code` is stable and documented in docs/errors.md; the message names
 * the input (file, field, line, package) and the hint says how to fix it.
 */
export class MpmError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: MpmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MpmError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  get kind(): ErrorKind {
    return CATALOG[this.code].kind;
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.kind];
  }
}

export function isMpmError(value: unknown): value is MpmError {
  return value instanceof MpmError;
}

/** Wraps anything thrown into an MpmError; unknown errors become MPM_E_INTERNAL. */
export function toMpmError(value: unknown): MpmError {
  if (value instanceof MpmError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new MpmError("MPM_E_INTERNAL", message, { cause: value });
}
