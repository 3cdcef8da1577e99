import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the shard capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const shardCodes = {} as const satisfies Record<string, CodeSpec>;
