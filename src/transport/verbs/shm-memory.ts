import { MpmError } from "../../errors/mpm-error.ts";
import { LINE, MR_ENTRY_SIZE, slotOffsets } from "../region-layout.ts";
import type { ShmChannel } from "../shm-channel.ts";
import { HeapAllocator } from "./heap-allocator.ts";
import { ACCESS_BITS, type Access, accessBits, checkBounds, MemoryRegion, newKey } from "./memory-region.ts";

const ENTRY = { rkey: 0, offset: 1, length: 2, access: 3 } as const;

/**
 * Registered memory of one side of a shared-memory slot: regions are carved from this side's heap and
 * published in this side's table (rkey, offset, length, access), which the peer reads to check its
 * one-sided requests. Deregistering revokes the key and gives the table entry and the heap space back.
 */
export class ShmMemory {
  readonly #channel: ShmChannel;
  readonly #words: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #entries: number;
  readonly #heapSize: number;
  readonly #myTable: number;
  readonly #myHeap: number;
  readonly #peerTable: number;
  readonly #peerHeap: number;
  readonly #heap: HeapAllocator;
  /** The live region of each table entry (index = lkey - 1). */
  readonly #live: (MemoryRegion | undefined)[] = [];

  constructor(channel: ShmChannel) {
    const region = channel.region;
    const base = region.slotBase(channel.slot);
    const off = slotOffsets(region.geometry);
    const peer = channel.side === 0 ? 1 : 0;
    this.#channel = channel;
    this.#words = region.words;
    this.#bytes = region.bytes;
    this.#entries = region.geometry.mrEntries;
    this.#heapSize = region.geometry.heapSize;
    this.#myTable = base + off.mrTable[channel.side];
    this.#myHeap = base + off.heap[channel.side];
    this.#peerTable = base + off.mrTable[peer];
    this.#peerHeap = base + off.heap[peer];
    this.#heap = new HeapAllocator(this.#heapSize, LINE);
  }

  register(length: number, access: Access): MemoryRegion {
    checkBounds(0, length, Number.MAX_SAFE_INTEGER, "register");
    let index = this.#live.indexOf(undefined);
    if (index < 0) index = this.#live.length;
    const start = index < this.#entries ? this.#heap.allocate(length) : -1;
    if (start < 0) {
      const left = this.#heap.available();
      throw new MpmError(
        "MPM_E_VRDMA_HEAP_FULL",
        `cannot register ${length} bytes: ${left.total} of ${this.#heapSize} heap bytes (at most ${left.largest} in one piece) and ${this.#entries - this.#live.filter(Boolean).length} table entries left on slot ${this.#channel.slot} of ${this.#channel.region.path}`,
        {
          hint: "deregister regions no longer used, register fewer or smaller ones, or lay out the region with a larger heapSize",
        },
      );
    }
    const rkey = newKey();
    const entry = (this.#myTable + index * MR_ENTRY_SIZE) / 4;
    this.#words[entry + ENTRY.offset] = start;
    this.#words[entry + ENTRY.length] = length;
    this.#words[entry + ENTRY.access] = accessBits(access);
    // The key goes in last: a peer that finds it finds a complete entry.
    Atomics.store(this.#words, entry + ENTRY.rkey, rkey | 0);
    const bytes = this.#bytes.subarray(this.#myHeap + start, this.#myHeap + start + length);
    const mr = new MemoryRegion(index + 1, rkey, bytes, access);
    this.#live[index] = mr;
    return mr;
  }

  /**
   * Revokes the key first, then frees the space: a peer that looks the key up afterwards is refused. As with
   * ibv_dereg_mr, one-sided operations the peer still has in flight on the region are the application's to
   * finish first.
   */
  deregister(mr: MemoryRegion): void {
    const index = mr.lkey - 1;
    if (this.#live[index] !== mr) return;
    Atomics.store(this.#words, (this.#myTable + index * MR_ENTRY_SIZE) / 4 + ENTRY.rkey, 0);
    this.#heap.release(mr.bytes.byteOffset - this.#bytes.byteOffset - this.#myHeap, mr.length);
    this.#live[index] = undefined;
    mr.invalidate();
  }

  /**
   * The peer's bytes [offset, offset+length) under rkey, checked against the peer's table: an unknown key
   * or a missing access right is a remoteAccessError, a range outside the region a remoteInvalidRequest.
   */
  peerBytes(rkey: number, offset: number, length: number, want: "remoteWrite" | "remoteRead"): Uint8Array {
    for (let i = 0; i < this.#entries; i++) {
      const entry = (this.#peerTable + i * MR_ENTRY_SIZE) / 4;
      if (Atomics.load(this.#words, entry + ENTRY.rkey) >>> 0 !== rkey >>> 0 || rkey === 0) continue;
      if ((this.#words[entry + ENTRY.access]! & ACCESS_BITS[want]) === 0)
        throw keyError(rkey, `does not allow ${want}`);
      const size = this.#words[entry + ENTRY.length]!;
      const at = this.#words[entry + ENTRY.offset]!;
      // The table is the peer's to write; a damaged entry must not reach outside the peer's heap.
      if (at < 0 || size < 0 || at + size > this.#heapSize) throw keyError(rkey, "has a damaged table entry");
      checkBounds(offset, length, size, `${want} with rkey ${rkey}`);
      const start = this.#peerHeap + at + offset;
      return this.#bytes.subarray(start, start + length);
    }
    throw keyError(rkey, "names no region the peer registered");
  }
}

export function keyError(rkey: number, why: string): MpmError {
  return new MpmError("MPM_E_VRDMA_BAD_KEY", `remote key ${rkey >>> 0} ${why}`, {
    hint: "use the rkey the peer sent for a region it registered with that access, and not deregistered",
    details: { rkey: rkey >>> 0 },
  });
}
