import { availableParallelism } from "node:os";
import { MpmError } from "../../errors/mpm-error.ts";
import { DEFAULT_CONTINUATION_BOUND } from "../../shard/continuation-budget.ts";
import { ShardGroup } from "../../shard/shard-group.ts";
import { Sharded } from "../../shard/sharded.ts";
import type { MemcachedConfig } from "../memcached-config.ts";
import { DEFAULT_ITEM_SIZE_MAX } from "../memcached-limits.ts";
import { type MemcachedShard, memcachedService } from "../memcached-service.ts";

/** Options of `mpm memcached`, named after memcached's own flags. */
export interface MemcachedOptions {
  /** -p: TCP port (0 = any free port). Default 11211. */
  readonly port?: number;
  /** -U: UDP port (0 = off). Default 0, as memcached 1.6. */
  readonly udpPort?: number;
  /** -l: address to listen on. Default all. */
  readonly listen?: string;
  /** -m: item memory in MiB. Default 64. */
  readonly memoryMb?: number;
  /** -t: shards. Default: the number of cores. */
  readonly shards?: number;
  /** -c: maximum simultaneous connections. Default 1024. */
  readonly maxConnections?: number;
  /** -b: accept queue of each shard's listening socket. Default 1024, as memcached. */
  readonly backlog?: number;
  /** -I: largest item in bytes. Default 1 MiB. */
  readonly itemSizeMax?: number;
  /** Ready continuations run inline per loop turn. Default 256. */
  readonly continuationBound?: number;
}

export interface RunningMemcached {
  readonly tcpPort: number;
  readonly udpPort: number;
  readonly shards: number;
  stop(): Promise<void>;
}

function check(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MpmError(
      "MPM_E_SHARD_OPTION",
      `${name} must be an integer from ${min} to ${max}, got ${value}`,
      {
        hint: `see mpm memcached --help for ${name}`,
      },
    );
  }
  return value;
}

/** Starts memcached on a new shard group; resolves once every shard listens. */
export async function runMemcached(options: MemcachedOptions = {}): Promise<RunningMemcached> {
  const shards = check("-t (shards)", options.shards ?? availableParallelism(), 1, 256);
  const memoryMb = check("-m (MiB)", options.memoryMb ?? 64, 1, 1 << 20);
  const itemSizeMax = check("-I (item size)", options.itemSizeMax ?? DEFAULT_ITEM_SIZE_MAX, 1024, 1 << 30);
  const config: MemcachedConfig = {
    memoryBytes: memoryMb * 1024 * 1024,
    itemSizeMax,
    maxConnections: check("-c (connections)", options.maxConnections ?? 1024, 1, 1 << 20),
    backlog: check("-b (backlog)", options.backlog ?? 1024, 1, 65535),
    // memcached starts its clock in the past so relative times are never 0 (ITEM_UPDATE_INTERVAL + 2).
    processStarted: Math.floor(Date.now() / 1000) - 62,
    host: options.listen,
    tcpPort: check("-p (port)", options.port ?? 11211, 0, 65535),
    udpPort: check("-U (UDP port)", options.udpPort ?? 0, 0, 65535),
  };
  const group = await ShardGroup.start({
    entry: new URL("../memcached-service.ts", import.meta.url),
    shards,
    continuationBound: options.continuationBound ?? DEFAULT_CONTINUATION_BOUND,
  });
  try {
    const service = await Sharded.start(memcachedService, config);
    const listen = (s: MemcachedShard, port: number) => s.listen(port);
    const tcpPort = await service.invokeOn(0, listen, config.tcpPort);
    if (shards > 1) {
      await Promise.all(
        Array.from({ length: shards - 1 }, (_, i) => service.invokeOn(i + 1, listen, tcpPort)),
      );
    }
    let udpPort = 0;
    if (config.udpPort !== 0) {
      const listenUdp = (s: MemcachedShard, port: number) => s.listenUdp(port);
      udpPort = await service.invokeOn(0, listenUdp, config.udpPort);
      await Promise.all(
        Array.from({ length: shards - 1 }, (_, i) => service.invokeOn(i + 1, listenUdp, udpPort)),
      );
    }
    return { tcpPort, udpPort, shards, stop: () => group.stop() };
  } catch (error) {
    await group.stop();
    throw error;
  }
}
