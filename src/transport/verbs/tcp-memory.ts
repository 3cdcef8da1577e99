import { ACCESS_BITS, type Access, accessBits, checkBounds, MemoryRegion, newKey } from "./memory-region.ts";
import { keyError } from "./shm-memory.ts";

/**
 * Registered memory of a queue pair over TCP: ordinary buffers, found by rkey when the peer's one-sided
 * request arrives, which this side's library then carries out (as software RDMA does).
 */
export class TcpMemory {
  readonly #byKey = new Map<number, MemoryRegion>();
  #count = 0;

  register(length: number, access: Access): MemoryRegion {
    checkBounds(0, length, Number.MAX_SAFE_INTEGER, "register");
    const mr = new MemoryRegion(++this.#count, newKey(), new Uint8Array(length), access);
    this.#byKey.set(mr.rkey, mr);
    return mr;
  }

  deregister(mr: MemoryRegion): void {
    if (this.#byKey.get(mr.rkey) !== mr) return;
    this.#byKey.delete(mr.rkey);
    mr.invalidate();
  }

  /** This side's bytes that a peer request names, checked as ShmMemory checks the peer's table. */
  localBytes(rkey: number, offset: number, length: number, want: "remoteWrite" | "remoteRead"): Uint8Array {
    const mr = this.#byKey.get(rkey >>> 0);
    if (!mr) throw keyError(rkey, "names no region the peer registered");
    if ((accessBits(mr.access) & ACCESS_BITS[want]) === 0) throw keyError(rkey, `does not allow ${want}`);
    checkBounds(offset, length, mr.length, `${want} with rkey ${rkey >>> 0}`);
    return mr.bytes.subarray(offset, offset + length);
  }
}
