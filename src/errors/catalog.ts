import type { CodeSpec } from "./code-spec.ts";
import { agentCodes } from "./codes/agent.ts";
import { cloudCodes } from "./codes/cloud.ts";
import { coreCodes } from "./codes/core.ts";
import { guestCodes } from "./codes/guest.ts";
import { packageCodes } from "./codes/package.ts";
import { repoCodes } from "./codes/repo.ts";
import { shardCodes } from "./codes/shard.ts";
import { transportCodes } from "./codes/transport.ts";

/** Every stable error code, by capability. Codes are never renamed or reused once released. */
export const CATALOG_AREAS = {
  core: coreCodes,
  package: packageCodes,
  repo: repoCodes,
  guest: guestCodes,
  agent: agentCodes,
  shard: shardCodes,
  cloud: cloudCodes,
  transport: transportCodes,
} as const;

export const CATALOG = {
  ...coreCodes,
  ...packageCodes,
  ...repoCodes,
  ...guestCodes,
  ...agentCodes,
  ...shardCodes,
  ...cloudCodes,
  ...transportCodes,
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof CATALOG;
