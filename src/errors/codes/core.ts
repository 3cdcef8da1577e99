import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the core capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const coreCodes = {
  MPM_E_USAGE: {
    kind: "input",
    summary: "Command-line usage is wrong: unknown option, missing argument or bad value.",
  },
  MPM_E_INTERNAL: {
    kind: "internal",
    summary: "An unexpected failure inside mpm; please report it with the output of MPM_DEBUG=1.",
  },
  MPM_E_IO: { kind: "unavailable", summary: "A file or directory could not be read or written." },
} as const satisfies Record<string, CodeSpec>;
