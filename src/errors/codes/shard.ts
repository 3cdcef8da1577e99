import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the shard capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const shardCodes = {
  MPM_E_SHARD_OPTION: {
    kind: "input",
    summary:
      "A shard-group or memcached option is out of range (shard count, bound, ring size, port, memory).",
  },
  MPM_E_SHARD_INDEX: { kind: "input", summary: "A cross-shard call named a shard that does not exist." },
  MPM_E_SHARD_NO_HANDLER: {
    kind: "notFound",
    summary: "A cross-shard call named a handler or service that is not registered on the target shard.",
  },
  MPM_E_SHARD_REMOTE: {
    kind: "failed",
    summary: "A function run on another shard threw; the message is its error.",
  },
  MPM_E_SHARD_STOPPED: {
    kind: "unavailable",
    summary: "The shard group, gate or service is stopping or stopped and takes no new work.",
  },
  MPM_E_SHARD_START: { kind: "failed", summary: "A shard failed to start or its entry module threw." },
  MPM_E_MEMCACHED_LISTEN: {
    kind: "unavailable",
    summary: "memcached could not listen on the requested address or port (in use, no permission).",
  },
} as const satisfies Record<string, CodeSpec>;
