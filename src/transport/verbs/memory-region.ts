import { MpmError } from "../../errors/mpm-error.ts";

export interface Access {
  /** The peer may RDMA-write into the region. */
  readonly remoteWrite?: boolean;
  /** The peer may RDMA-read from the region. */
  readonly remoteRead?: boolean;
}

export const ACCESS_BITS = { remoteWrite: 1, remoteRead: 2 } as const;

export function accessBits(access: Access): number {
  return (
    (access.remoteWrite ? ACCESS_BITS.remoteWrite : 0) | (access.remoteRead ? ACCESS_BITS.remoteRead : 0)
  );
}

/**
 * Registered memory: bytes the application reads and writes through `bytes`, a local key for its own work
 * requests and a remote key it hands to the peer for one-sided access. When the queue pair runs over
 * shared memory the bytes live in the shared region, so the peer's RDMA write is a plain copy into them.
 */
export class MemoryRegion {
  readonly lkey: number;
  readonly rkey: number;
  readonly bytes: Uint8Array;
  readonly access: Access;
  #registered = true;

  constructor(lkey: number, rkey: number, bytes: Uint8Array, access: Access) {
    this.lkey = lkey;
    this.rkey = rkey;
    this.bytes = bytes;
    this.access = access;
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Marks the region deregistered: its bytes may now belong to another region. */
  invalidate(): void {
    this.#registered = false;
  }

  /** The bytes [offset, offset+length) of this region, or an error naming what is out of bounds. */
  slice(offset: number, length: number, what: string): Uint8Array {
    if (!this.#registered) {
      throw new MpmError("MPM_E_VRDMA_BAD_KEY", `${what}: local region ${this.lkey} was deregistered`, {
        hint: "register the memory again and post with the new region",
        details: { lkey: this.lkey },
      });
    }
    checkBounds(offset, length, this.length, `${what} on local region ${this.lkey}`);
    return this.bytes.subarray(offset, offset + length);
  }
}

export function checkBounds(offset: number, length: number, size: number, what: string): void {
  const ok = Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0;
  if (!ok || offset + length > size) {
    throw new MpmError(
      "MPM_E_VRDMA_OUT_OF_BOUNDS",
      `${what}: offset ${offset} + length ${length} is outside the region of ${size} bytes`,
      {
        hint: "keep offset + length within the length the region was registered with",
        details: { offset, length, size },
      },
    );
  }
}

/** A fresh non-zero 32-bit key; random so a stale or guessed key is unlikely to name a live region. */
export function newKey(): number {
  return (crypto.getRandomValues(new Uint32Array(1))[0]! | 1) >>> 0;
}
