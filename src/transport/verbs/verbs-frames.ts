import { MpmError } from "../../errors/mpm-error.ts";

/** Frame types on a queue pair's byte stream. WRITE/READ frames are used only over TCP. */
export const FRAME = { send: 1, write: 2, writeAck: 3, readRequest: 4, readResponse: 5 } as const;

/** Header of every frame: type (1 byte), then the body length (4 bytes). */
const HEADER = 5;

export interface Frame {
  readonly type: number;
  readonly body: Buffer;
}

export function encodeFrame(type: number, fields: readonly number[], data?: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + fields.length * 4 + (data?.length ?? 0));
  out.writeUInt8(type, 0);
  out.writeUInt32LE(out.length - HEADER, 1);
  for (const [i, value] of fields.entries()) out.writeUInt32LE(value >>> 0, HEADER + i * 4);
  if (data) out.set(data, HEADER + fields.length * 4);
  return out;
}

/** Reads the i-th 32-bit field of a frame body. */
export function field(frame: Frame, i: number): number {
  if (frame.body.length < (i + 1) * 4) {
    throw new MpmError("MPM_E_VRDMA_PROTOCOL", `frame type ${frame.type} is too short for field ${i}`);
  }
  return frame.body.readUInt32LE(i * 4);
}

/** Splits a byte stream into frames; feed() takes chunks as they arrive. */
export class FrameReader {
  #buffered: Buffer[] = [];
  #size = 0;

  feed(chunk: Buffer): Frame[] {
    this.#buffered.push(chunk);
    this.#size += chunk.length;
    const frames: Frame[] = [];
    while (this.#size >= HEADER) {
      const head = this.#peek(HEADER);
      const type = head.readUInt8(0);
      if (type < FRAME.send || type > FRAME.readResponse) {
        throw new MpmError("MPM_E_VRDMA_PROTOCOL", `unknown frame type ${type} on the queue pair`, {
          hint: "both ends must run this transport's verbs over the connection",
        });
      }
      const length = head.readUInt32LE(1);
      if (this.#size < HEADER + length) break;
      const whole = this.#peek(HEADER + length);
      frames.push({ type, body: whole.subarray(HEADER) });
      this.#consume(HEADER + length);
    }
    return frames;
  }

  #peek(n: number): Buffer {
    if (this.#buffered[0]!.length < n) this.#buffered = [Buffer.concat(this.#buffered)];
    return this.#buffered[0]!.subarray(0, n);
  }

  #consume(n: number): void {
    const first = this.#buffered[0]!;
    this.#size -= n;
    if (first.length === n) this.#buffered.shift();
    else this.#buffered[0] = first.subarray(n);
  }
}
