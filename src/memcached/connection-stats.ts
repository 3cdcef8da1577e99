/** Per-shard connection counters, with memcached's `stats` names. */
export interface ConnectionStats {
  curr_connections: number;
  total_connections: number;
  rejected_connections: number;
  bytes_read: number;
  bytes_written: number;
}

export function zeroConnectionStats(): ConnectionStats {
  return {
    curr_connections: 0,
    total_connections: 0,
    rejected_connections: 0,
    bytes_read: 0,
    bytes_written: 0,
  };
}
