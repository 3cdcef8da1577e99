import { type MpmError, toMpmError } from "../errors/mpm-error.ts";

/** Prints an error the way every command does: code, message, hint; the stack only with MPM_DEBUG=1. */
export function reportError(value: unknown, stream: NodeJS.WritableStream = process.stderr): MpmError {
  const err = toMpmError(value);
  stream.write(`mpm: ${err.code}: ${err.message}\n`);
  if (err.hint) stream.write(`  hint: ${err.hint}\n`);
  if (process.env["MPM_DEBUG"] && err.stack) stream.write(`${err.stack}\n`);
  return err;
}
