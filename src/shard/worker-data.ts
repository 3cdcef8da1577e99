import type { Topology } from "./topology.ts";

/** What the controller hands each shard thread at start. */
export interface ShardWorkerData {
  readonly id: number;
  readonly topology: Topology;
  readonly continuationBound: number;
  /** URL of the module every shard loads (its top level registers handlers and services). */
  readonly entry: string | undefined;
}
