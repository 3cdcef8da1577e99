import type { Future } from "../shard/future.ts";
import type { StoreCounters } from "./item-store.ts";
import type { KeyRouter } from "./key-router.ts";
import type { MemcachedClock } from "./memcached-clock.ts";

/** The version this server reports: the memcached release whose protocol and replies it mirrors. */
export const PROTOCOL_VERSION = "1.6.18";

/** A stat line: name and value. */
export type StatLine = readonly [string, string | number];

/** What a protocol front end needs from its shard. */
export interface ProtocolContext {
  readonly router: KeyRouter;
  readonly clock: MemcachedClock;
  readonly itemSizeMax: number;
  /** This shard's counters (the front-end ones: too-large stores are refused before reaching a shard). */
  readonly counters: StoreCounters;
  /** `stats` / `stats <group>`: the lines, or undefined for an unknown group. */
  stats(group: string | undefined): Future<StatLine[]> | undefined;
  resetStats(): void;
}

/** Control of the connection a protocol handler reads from. */
export interface ConnectionControl {
  /** True while reading should stop (quit, too many replies pending or the client is not reading). */
  saturated(): boolean;
  /** Closes at once, dropping unsent replies (memcached's conn_closing). */
  closeNow(): void;
}
