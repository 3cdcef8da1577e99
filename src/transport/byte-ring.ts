import type { RingOffsets } from "./region-layout.ts";

/**
 * A single-producer single-consumer byte ring in shared memory. head and tail count bytes ever written and
 * read (wrapping at 2^32); the ring size is a power of two so a position is a mask. The producer copies the
 * bytes first and then publishes head with a sequentially consistent store, the consumer loads head before
 * reading the bytes: that order is what makes the data visible before the index, across processes and VMs.
 */
export class ByteRing {
  readonly size: number;
  readonly #words: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #head: number;
  readonly #tail: number;
  readonly #data: number;

  constructor(words: Int32Array, bytes: Uint8Array, base: number, offsets: RingOffsets, size: number) {
    this.#words = words;
    this.#bytes = bytes;
    this.#head = (base + offsets.head) / 4;
    this.#tail = (base + offsets.tail) / 4;
    this.#data = base + offsets.data;
    this.size = size;
  }

  /** Empties the ring; only while nobody uses it (when a slot is claimed). */
  reset(): void {
    Atomics.store(this.#words, this.#head, 0);
    Atomics.store(this.#words, this.#tail, 0);
  }

  /** Bytes waiting to be read. */
  used(): number {
    return (Atomics.load(this.#words, this.#head) - Atomics.load(this.#words, this.#tail)) >>> 0;
  }

  /** Copies as much of src as fits; returns the bytes written (0 when full: the caller waits). */
  write(src: Uint8Array): number {
    const head = Atomics.load(this.#words, this.#head);
    const free = this.size - ((head - Atomics.load(this.#words, this.#tail)) >>> 0);
    const n = Math.min(free, src.length);
    if (n <= 0) return 0;
    const pos = head & (this.size - 1);
    const first = Math.min(n, this.size - pos);
    this.#bytes.set(first === src.length ? src : src.subarray(0, first), this.#data + pos);
    if (n > first) this.#bytes.set(src.subarray(first, n), this.#data);
    Atomics.store(this.#words, this.#head, (head + n) | 0);
    return n;
  }

  /** Takes up to max waiting bytes into a new Buffer, or returns undefined when the ring is empty. */
  read(max: number): Buffer | undefined {
    const tail = Atomics.load(this.#words, this.#tail);
    const n = Math.min(max, (Atomics.load(this.#words, this.#head) - tail) >>> 0);
    if (n <= 0) return undefined;
    const out = Buffer.allocUnsafe(n);
    const pos = tail & (this.size - 1);
    const first = Math.min(n, this.size - pos);
    out.set(this.#bytes.subarray(this.#data + pos, this.#data + pos + first), 0);
    if (n > first) out.set(this.#bytes.subarray(this.#data, this.#data + n - first), first);
    Atomics.store(this.#words, this.#tail, (tail + n) | 0);
    return out;
  }
}
