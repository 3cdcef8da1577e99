import { isMpmError } from "../../errors/mpm-error.ts";

/**
 * An error answered with OSv's body `{"message": ..., "code": ...}`. Handlers throw it with the status OSv
 * uses for the case (notes §2.5), which is not always what the listing's errorResponses say.
 */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, message);
export const notFound = (message: string): ApiError => new ApiError(404, message);

/** Maps anything a handler threw to a status and message; MpmErrors keep the status of their kind. */
export function toApiError(value: unknown): ApiError {
  if (value instanceof ApiError) return value;
  if (isMpmError(value)) return new ApiError(value.httpStatus, value.message);
  const message = value instanceof Error ? value.message : String(value);
  return new ApiError(500, message);
}
