/** What every shard's memcached service is started with (plain data: it is sent to each shard). */
export interface MemcachedConfig {
  /** Total item memory in bytes, split evenly over the shards (-m). */
  readonly memoryBytes: number;
  /** Largest item (-I), memcached's item_size_max. */
  readonly itemSizeMax: number;
  /** Connection limit over all shards (-c); each shard takes an equal share. */
  readonly maxConnections: number;
  /** Accept queue of each shard's listening socket (-b). */
  readonly backlog: number;
  /** Unix seconds the server's clock starts from (shared, so expiry agrees across shards). */
  readonly processStarted: number;
  readonly host: string | undefined;
  readonly tcpPort: number;
  /** 0 = no UDP. */
  readonly udpPort: number;
}
