import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the agent capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const agentCodes = {} as const satisfies Record<string, CodeSpec>;
