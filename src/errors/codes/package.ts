import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the package capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const packageCodes = {} as const satisfies Record<string, CodeSpec>;
