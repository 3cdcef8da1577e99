/**
 * A single-producer single-consumer byte queue in a SharedArrayBuffer: one per ordered pair of shards.
 * Positions are free-running uint32 counters (capacity is a power of two), so head == tail means empty.
 * Every frame is a 4-byte header (length, bit 31 = "more frames of this message follow") and the payload
 * padded to 4 bytes. A frame never wraps: when it does not fit before the end, a wrap marker fills the rest.
 * Messages larger than `maxFrame` are cut into frames, so a 1 MiB memcached value fits a 256 KiB ring.
 */
const HEAD = 0;
const TAIL = 1;
const WANT_SPACE = 2;
const HEADER_BYTES = 16;
const WRAP = 0xffffffff;
const MORE = 0x80000000;

export interface RingLayout {
  readonly buffer: SharedArrayBuffer;
}

export function createRingBuffer(capacity: number): SharedArrayBuffer {
  if (capacity < 1024 || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`ring capacity must be a power of two >= 1024, got ${capacity}`);
  }
  return new SharedArrayBuffer(HEADER_BYTES + capacity);
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

export class SpscRing {
  readonly capacity: number;
  readonly maxFrame: number;
  private readonly ctl: Int32Array;
  private readonly words: Uint32Array;
  private readonly bytes: Uint8Array;
  private readonly mask: number;
  /** Frames of a message being reassembled by the consumer. */
  private partial: Uint8Array[] = [];

  constructor(buffer: SharedArrayBuffer) {
    this.capacity = buffer.byteLength - HEADER_BYTES;
    this.mask = this.capacity - 1;
    // A frame takes at most a quarter of the ring so a big message never waits for a completely empty ring.
    this.maxFrame = Math.min(64 * 1024, this.capacity / 4 - 8);
    this.ctl = new Int32Array(buffer, 0, 4);
    this.words = new Uint32Array(buffer, HEADER_BYTES, this.capacity / 4);
    this.bytes = new Uint8Array(buffer, HEADER_BYTES, this.capacity);
  }

  /** Bytes in use (consumer's view may lag; only ever an over-estimate for the producer). */
  used(): number {
    return (Atomics.load(this.ctl, TAIL) - Atomics.load(this.ctl, HEAD)) >>> 0;
  }

  isEmpty(): boolean {
    return Atomics.load(this.ctl, TAIL) === Atomics.load(this.ctl, HEAD);
  }

  /**
   * Producer: writes frames of `message` starting at byte `offset`; returns the new offset
   * (message.length when all of it is in the ring, less when the ring filled up).
   */
  write(message: Uint8Array, offset: number): number {
    let at = offset;
    do {
      const len = Math.min(this.maxFrame, message.length - at);
      const more = at + len < message.length;
      if (!this.writeFrame(message.subarray(at, at + len), more)) return at;
      at += len;
    } while (at < message.length);
    return at;
  }

  private writeFrame(frame: Uint8Array, more: boolean): boolean {
    const head = Atomics.load(this.ctl, HEAD);
    let tail = Atomics.load(this.ctl, TAIL);
    const need = 4 + pad4(frame.length);
    const pos = tail & this.mask;
    const toEnd = this.capacity - pos;
    const wrapWaste = toEnd < need ? toEnd : 0;
    if (((tail - head) >>> 0) + wrapWaste + need > this.capacity) return false;
    if (wrapWaste > 0) {
      this.words[pos >>> 2] = WRAP;
      tail = (tail + wrapWaste) >>> 0;
    }
    const start = tail & this.mask;
    this.words[start >>> 2] = (frame.length | (more ? MORE : 0)) >>> 0;
    this.bytes.set(frame, start + 4);
    Atomics.store(this.ctl, TAIL, (tail + need) | 0);
    return true;
  }

  /** Consumer: the next complete message, or undefined when none is complete yet. */
  read(): Uint8Array | undefined {
    for (;;) {
      let head = Atomics.load(this.ctl, HEAD);
      const tail = Atomics.load(this.ctl, TAIL);
      if (head === tail) return undefined;
      let pos = head & this.mask;
      let word = this.words[pos >>> 2]!;
      if (word === WRAP) {
        head = (head + (this.capacity - pos)) >>> 0;
        pos = 0;
        word = this.words[0]!;
      }
      const len = word & ~MORE;
      const frame = this.bytes.slice(pos + 4, pos + 4 + len);
      Atomics.store(this.ctl, HEAD, (head + 4 + pad4(len)) | 0);
      if ((word & MORE) !== 0) {
        this.partial.push(frame);
        continue;
      }
      if (this.partial.length === 0) return frame;
      this.partial.push(frame);
      const whole = Buffer.concat(this.partial);
      this.partial = [];
      return whole;
    }
  }

  /** Producer: ask the consumer to ring our doorbell when it frees space. */
  requestSpace(): void {
    Atomics.store(this.ctl, WANT_SPACE, 1);
  }

  /** Consumer: true (once) when the producer is waiting for space. */
  takeSpaceRequest(): boolean {
    return Atomics.exchange(this.ctl, WANT_SPACE, 0) === 1;
  }
}
