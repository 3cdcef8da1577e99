import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the transport capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const transportCodes = {} as const satisfies Record<string, CodeSpec>;
