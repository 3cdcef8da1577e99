import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the guest capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const guestCodes = {} as const satisfies Record<string, CodeSpec>;
