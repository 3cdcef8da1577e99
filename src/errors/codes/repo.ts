import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the repo capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const repoCodes = {} as const satisfies Record<string, CodeSpec>;
