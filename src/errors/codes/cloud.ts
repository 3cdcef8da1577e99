import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the cloud capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const cloudCodes = {} as const satisfies Record<string, CodeSpec>;
