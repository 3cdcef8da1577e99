import { createRingBuffer } from "./spsc-ring.ts";

/**
 * The shared memory of a shard group: one SPSC ring per ordered pair of participants (the N shards plus the
 * controller thread, which has index N) and one doorbell word per participant. Built once by the controller
 * and handed to every worker; SharedArrayBuffers are shared, not copied, by postMessage/workerData.
 */
export interface Topology {
  readonly shards: number;
  /** rings[from][to] */
  readonly rings: SharedArrayBuffer[][];
  readonly doorbells: SharedArrayBuffer;
}

export const DEFAULT_RING_BYTES = 256 * 1024;

export function createTopology(shards: number, ringBytes: number): Topology {
  const participants = shards + 1;
  const rings: SharedArrayBuffer[][] = [];
  for (let from = 0; from < participants; from++) {
    const row: SharedArrayBuffer[] = [];
    for (let to = 0; to < participants; to++) row.push(createRingBuffer(ringBytes));
    rings.push(row);
  }
  return { shards, rings, doorbells: new SharedArrayBuffer(4 * participants) };
}
