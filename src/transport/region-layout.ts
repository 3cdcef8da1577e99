import { MpmError } from "../errors/mpm-error.ts";

/**
 * Byte layout of a shared-memory region. Everything is little-endian 32-bit words; every field another
 * party writes sits on its own 64-byte cache line so producer and consumer never false-share.
 *
 *   header   line 0: magic "MPMVRDMA", version, slots, ringSize, heapSize, mrEntries, slotSize, regionSize
 *            line 1: listener running flag, listener heartbeat
 *   slot i   line 0: state, generation, close count
 *            line 1: side 0 (connector) heartbeat    line 2: side 1 (listener) heartbeat
 *                    (each: heartbeat counter, closed flag, unused, sleeping flag, host id)
 *            ring 0 (side 0 -> side 1): head line, tail line, ringSize data bytes
 *            ring 1 (side 1 -> side 0): same
 *            memory-region table and heap of side 0, then of side 1
 */
export const LINE = 64;
/** The bytes "MPMVRDMA" read as two little-endian words. */
export const MAGIC = [0x564d504d, 0x414d4452] as const;
/**
 * 2: the side lines gained the sleeping flag and host id of the doorbell. 3: the doorbell is a FIFO, no
 * longer a futex on word 2 of the side line (a version-2 peer would never ring it).
 */
export const LAYOUT_VERSION = 3;
export const HEADER_SIZE = 2 * LINE;
/** One memory-region table entry: rkey, offset in the heap, length, access flags. */
export const MR_ENTRY_SIZE = 16;

export const HEADER = {
  magic0: 0,
  magic1: 1,
  version: 2,
  slots: 3,
  ringSize: 4,
  heapSize: 5,
  mrEntries: 6,
  slotSize: 7,
  regionSize: 8,
  running: LINE / 4,
  heartbeat: LINE / 4 + 1,
} as const;

export const SLOT_STATE = { free: 0, claimed: 1, requested: 2, accepted: 3 } as const;

export interface Geometry {
  readonly slots: number;
  /** Bytes of each direction's ring; a power of two. */
  readonly ringSize: number;
  /** Bytes of each side's heap for registered memory regions. */
  readonly heapSize: number;
  readonly mrEntries: number;
}

export const DEFAULT_GEOMETRY: Geometry = { slots: 4, ringSize: 1 << 20, heapSize: 1 << 20, mrEntries: 32 };

/** Byte offsets inside one slot, relative to the slot start. */
export interface SlotOffsets {
  readonly control: number;
  readonly heartbeat: readonly [number, number];
  readonly ring: readonly [RingOffsets, RingOffsets];
  readonly mrTable: readonly [number, number];
  readonly heap: readonly [number, number];
}

export interface RingOffsets {
  readonly head: number;
  readonly tail: number;
  readonly data: number;
}

const align = (n: number): number => Math.ceil(n / LINE) * LINE;

export function slotOffsets(g: Geometry): SlotOffsets {
  const ring0 = 3 * LINE;
  const ring1 = ring0 + 2 * LINE + g.ringSize;
  const table0 = ring1 + 2 * LINE + g.ringSize;
  const tableSize = align(g.mrEntries * MR_ENTRY_SIZE);
  const heap0 = table0 + tableSize;
  const table1 = heap0 + align(g.heapSize);
  const heap1 = table1 + tableSize;
  return {
    control: 0,
    heartbeat: [LINE, 2 * LINE],
    ring: [
      { head: ring0, tail: ring0 + LINE, data: ring0 + 2 * LINE },
      { head: ring1, tail: ring1 + LINE, data: ring1 + 2 * LINE },
    ],
    mrTable: [table0, table1],
    heap: [heap0, heap1],
  };
}

export function slotSize(g: Geometry): number {
  return slotOffsets(g).heap[1] + align(g.heapSize);
}

export function regionSize(g: Geometry): number {
  return HEADER_SIZE + g.slots * slotSize(g);
}

/** Checks a geometry the caller asked for; names the field that is wrong. */
export function checkGeometry(g: Geometry): void {
  const bad = (field: string, why: string): never => {
    throw new MpmError("MPM_E_VRDMA_REGION_SIZE", `region geometry: ${field} ${why}`, {
      hint: "slots 1..64, ringSize a power of two from 4096, heapSize and mrEntries >= 0",
      details: { field },
    });
  };
  if (!Number.isInteger(g.slots) || g.slots < 1 || g.slots > 64) bad("slots", `= ${g.slots}`);
  if (g.ringSize < 4096 || (g.ringSize & (g.ringSize - 1)) !== 0) bad("ringSize", `= ${g.ringSize}`);
  if (!Number.isInteger(g.heapSize) || g.heapSize < 0) bad("heapSize", `= ${g.heapSize}`);
  if (!Number.isInteger(g.mrEntries) || g.mrEntries < 0) bad("mrEntries", `= ${g.mrEntries}`);
}

/**
 * Shrinks rings and heaps (halving both) until the geometry fits a fixed-size region, such as an ivshmem
 * BAR of 4 MiB. Fails when even 4 KiB rings do not fit.
 */
export function fitGeometry(wanted: Geometry, available: number, what: string): Geometry {
  let g = wanted;
  while (regionSize(g) > available) {
    if (g.ringSize <= 4096) {
      throw new MpmError(
        "MPM_E_VRDMA_REGION_SIZE",
        `${what}: ${available} bytes cannot hold ${wanted.slots} slots (needs ${regionSize(g)} at the smallest rings)`,
        { hint: "use fewer slots or a bigger region (for ivshmem: a bigger --shm size)" },
      );
    }
    g = { ...g, ringSize: g.ringSize / 2, heapSize: Math.floor(g.heapSize / 2) };
  }
  return g;
}
