import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import { Future } from "../shard/future.ts";
import { registerHandler } from "../shard/handler-registry.ts";
import { bindUdpOnShard, listenOnShard } from "../shard/shard-net.ts";
import { defineService, type Service } from "../shard/sharded.ts";
import { shard } from "../shard/this-shard.ts";
import { type ConnectionStats, zeroConnectionStats } from "./connection-stats.ts";
import { ItemStore, zeroCounters } from "./item-store.ts";
import { KeyRouter, STORE_HANDLER } from "./key-router.ts";
import { MemcachedClock } from "./memcached-clock.ts";
import type { MemcachedConfig } from "./memcached-config.ts";
import type { ProtocolContext, StatLine } from "./protocol-context.ts";
import { generalStats, itemsStats, type ShardSnapshot, settingsStats, sumSnapshots } from "./server-stats.ts";
import { executeStoreRequest, type StoreRequest } from "./store-ops.ts";
import { TcpConnection } from "./tcp-connection.ts";
import { serveUdp } from "./udp-frontend.ts";

const SNAPSHOT_HANDLER = "memcached.snapshot";
const RESET_HANDLER = "memcached.reset";

/** memcached on one shard: its share of the items, its listening sockets and its connections. */
export class MemcachedShard implements Service {
  readonly config: MemcachedConfig;
  readonly store: ItemStore;
  readonly clock: MemcachedClock;
  readonly connections: ConnectionStats = zeroConnectionStats();
  private readonly context: ProtocolContext;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private udp: UdpSocket | undefined;

  constructor(config: MemcachedConfig) {
    this.config = config;
    this.store = new ItemStore(Math.floor(config.memoryBytes / shard.count), shard.id, shard.count);
    this.clock = new MemcachedClock(config.processStarted);
    const router = new KeyRouter(this.store, this.clock, shard.id, shard.count);
    this.context = {
      router,
      clock: this.clock,
      itemSizeMax: config.itemSizeMax,
      counters: this.store.counters,
      stats: (group) => this.stats(group),
      resetStats: () => {
        shard.invokeOnAll(RESET_HANDLER);
      },
    };
  }

  snapshot(): ShardSnapshot {
    return {
      counters: this.store.counters,
      connections: this.connections,
      bytes: this.store.bytes,
      items: this.store.count,
    };
  }

  private stats(group: string | undefined): Future<StatLine[]> | undefined {
    const all = () => shard.invokeOnAll<undefined, ShardSnapshot>(SNAPSHOT_HANDLER).then(sumSnapshots);
    switch (group) {
      case undefined:
        return all().then((sum) => [
          ...generalStats(sum, this.clock, this.config, shard.count),
          ["shards", shard.count] as StatLine,
        ]);
      case "settings":
        return Future.ready(settingsStats(this.config, shard.count));
      case "items":
        return all().then(itemsStats);
      case "slabs":
      case "sizes":
      case "conns":
        return Future.ready<StatLine[]>([]);
      default:
        return undefined;
    }
  }

  /** Listens on the TCP port with SO_REUSEPORT; returns the port (useful with 0). */
  async listen(port: number): Promise<number> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
      new TcpConnection(socket, this.context, this.connections);
    });
    server.maxConnections = Math.max(1, Math.ceil(this.config.maxConnections / shard.count));
    server.on("drop", () => {
      this.connections.rejected_connections++;
    });
    this.server = server;
    return listenOnShard(server, { port, host: this.config.host, backlog: this.config.backlog });
  }

  async listenUdp(port: number): Promise<number> {
    const socket = createSocket({ type: "udp4", reuseAddr: true, reusePort: true } as Parameters<
      typeof createSocket
    >[0]);
    this.udp = socket;
    const bound = await bindUdpOnShard(socket, { port, host: this.config.host });
    serveUdp(socket, this.context);
    return bound;
  }

  async stop(): Promise<void> {
    this.udp?.close();
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let local: MemcachedShard | undefined;

export const memcachedService = defineService("memcached", (config: MemcachedConfig) => {
  local = new MemcachedShard(config);
  return local;
});

registerHandler(STORE_HANDLER, (req: StoreRequest) =>
  executeStoreRequest(local!.store, req, local!.clock.currentTime()),
);
registerHandler(SNAPSHOT_HANDLER, () => local!.snapshot());
registerHandler(RESET_HANDLER, () => {
  Object.assign(local!.store.counters, zeroCounters());
  const c = local!.connections;
  c.total_connections = 0;
  c.rejected_connections = 0;
  c.bytes_read = 0;
  c.bytes_written = 0;
});
