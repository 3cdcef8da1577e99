import type { ConnectionStats } from "./connection-stats.ts";
import type { StoreCounters } from "./item-store.ts";
import type { MemcachedClock } from "./memcached-clock.ts";
import type { MemcachedConfig } from "./memcached-config.ts";
import { PROTOCOL_VERSION, type StatLine } from "./protocol-context.ts";

/** One shard's numbers, summed over shards for `stats`. */
export interface ShardSnapshot {
  readonly counters: StoreCounters;
  readonly connections: ConnectionStats;
  readonly bytes: number;
  readonly items: number;
}

export function sumSnapshots(snapshots: readonly ShardSnapshot[]): ShardSnapshot {
  const total: Record<string, number> = {};
  const conns: Record<string, number> = {};
  let bytes = 0;
  let items = 0;
  for (const s of snapshots) {
    for (const [k, v] of Object.entries(s.counters)) total[k] = (total[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.connections)) conns[k] = (conns[k] ?? 0) + v;
    bytes += s.bytes;
    items += s.items;
  }
  return {
    counters: total as unknown as StoreCounters,
    connections: conns as unknown as ConnectionStats,
    bytes,
    items,
  };
}

/** memcached's general `stats`, in its order, from the sum of all shards. */
export function generalStats(
  sum: ShardSnapshot,
  clock: MemcachedClock,
  config: MemcachedConfig,
  shards: number,
): StatLine[] {
  const usage = process.resourceUsage();
  const c = sum.counters;
  const n = sum.connections;
  const seconds = (us: number) => (us / 1e6).toFixed(6);
  return [
    ["pid", process.pid],
    ["uptime", clock.currentTime()],
    ["time", clock.unixTime()],
    ["version", PROTOCOL_VERSION],
    ["pointer_size", 64],
    ["rusage_user", seconds(usage.userCPUTime)],
    ["rusage_system", seconds(usage.systemCPUTime)],
    ["max_connections", config.maxConnections],
    ["curr_connections", n.curr_connections],
    ["total_connections", n.total_connections],
    ["rejected_connections", n.rejected_connections],
    ["connection_structures", n.curr_connections],
    ["cmd_get", c.cmd_get],
    ["cmd_set", c.cmd_set],
    ["cmd_flush", 0],
    ["cmd_touch", c.cmd_touch],
    ["get_hits", c.get_hits],
    ["get_misses", c.get_misses],
    ["get_expired", c.get_expired],
    ["get_flushed", c.get_flushed],
    ["delete_misses", c.delete_misses],
    ["delete_hits", c.delete_hits],
    ["incr_misses", c.incr_misses],
    ["incr_hits", c.incr_hits],
    ["decr_misses", c.decr_misses],
    ["decr_hits", c.decr_hits],
    ["cas_misses", c.cas_misses],
    ["cas_hits", c.cas_hits],
    ["cas_badval", c.cas_badval],
    ["touch_hits", c.touch_hits],
    ["touch_misses", c.touch_misses],
    ["store_too_large", c.store_too_large],
    ["store_no_memory", c.store_no_memory],
    ["auth_cmds", 0],
    ["auth_errors", 0],
    ["bytes_read", n.bytes_read],
    ["bytes_written", n.bytes_written],
    ["limit_maxbytes", config.memoryBytes],
    ["accepting_conns", 1],
    ["threads", shards],
    ["bytes", sum.bytes],
    ["curr_items", sum.items],
    ["total_items", c.total_items],
    ["expired_unfetched", c.expired_unfetched],
    ["evicted_unfetched", c.evicted_unfetched],
    ["evictions", c.evictions],
    ["reclaimed", c.reclaimed],
  ];
}

export function settingsStats(config: MemcachedConfig, shards: number): StatLine[] {
  return [
    ["maxbytes", config.memoryBytes],
    ["maxconns", config.maxConnections],
    ["tcpport", config.tcpPort],
    ["udpport", config.udpPort],
    ["tcp_backlog", config.backlog],
    ["inter", config.host ?? "NULL"],
    ["evictions", "on"],
    ["num_threads", shards],
    ["cas_enabled", "yes"],
    ["binding_protocol", "auto-negotiate"],
    ["item_size_max", config.itemSizeMax],
    ["flush_enabled", "yes"],
    ["hash_algorithm", "fnv1a"],
  ];
}

export function itemsStats(sum: ShardSnapshot): StatLine[] {
  if (sum.items === 0) return [];
  return [
    ["items:1:number", sum.items],
    ["items:1:mem_requested", sum.bytes],
    ["items:1:evicted", sum.counters.evictions],
    ["items:1:evicted_unfetched", sum.counters.evicted_unfetched],
    ["items:1:reclaimed", sum.counters.reclaimed],
    ["items:1:expired_unfetched", sum.counters.expired_unfetched],
  ];
}
