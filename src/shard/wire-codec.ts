import { deserialize, serialize } from "node:v8";

/**
 * A compact encoding for cross-shard messages. V8's structured serializer (node:v8 serialize) costs about
 * 15% of a shard's CPU and much of its garbage at 100k messages/s (profiled), mostly in per-call setup; the
 * common values (numbers, strings, byte arrays, plain objects and arrays of them) are written here
 * directly, anything else (Map, Date, class instances...) falls back to V8's serializer inside a tagged slot.
 */
const T_UNDEFINED = 0;
const T_NULL = 1;
const T_TRUE = 2;
const T_FALSE = 3;
const T_INT = 4;
const T_FLOAT = 5;
const T_STRING = 6;
const T_BYTES = 7;
const T_BIGINT = 8;
const T_ARRAY = 9;
const T_OBJECT = 10;
const T_V8 = 11;

let scratch = Buffer.allocUnsafe(64 * 1024);
let pos = 0;

function ensure(n: number): void {
  if (pos + n <= scratch.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(scratch.length * 2, pos + n));
  scratch.copy(bigger, 0, 0, pos);
  scratch = bigger;
}

function writeString(s: string): void {
  ensure(5 + s.length * 3);
  const at = pos;
  pos += 4;
  pos += scratch.write(s, pos, "utf8");
  scratch.writeUInt32LE(pos - at - 4, at);
}

function writeBytes(b: Uint8Array): void {
  ensure(4 + b.length);
  scratch.writeUInt32LE(b.length, pos);
  scratch.set(b, pos + 4);
  pos += 4 + b.length;
}

function writeValue(v: unknown): void {
  ensure(9);
  switch (typeof v) {
    case "undefined":
      scratch[pos++] = T_UNDEFINED;
      return;
    case "boolean":
      scratch[pos++] = v ? T_TRUE : T_FALSE;
      return;
    case "number":
      if ((v | 0) === v && !Object.is(v, -0)) {
        scratch[pos++] = T_INT;
        scratch.writeInt32LE(v, pos);
        pos += 4;
      } else {
        scratch[pos++] = T_FLOAT;
        scratch.writeDoubleLE(v, pos);
        pos += 8;
      }
      return;
    case "string":
      scratch[pos++] = T_STRING;
      writeString(v);
      return;
    case "bigint":
      scratch[pos++] = T_BIGINT;
      writeString(v.toString());
      return;
    case "object":
      writeObject(v);
      return;
    default:
      writeV8(v);
  }
}

function writeObject(v: object | null): void {
  if (v === null) {
    scratch[pos++] = T_NULL;
    return;
  }
  if (v instanceof Uint8Array) {
    scratch[pos++] = T_BYTES;
    writeBytes(v);
    return;
  }
  if (Array.isArray(v)) {
    scratch[pos++] = T_ARRAY;
    ensure(4);
    scratch.writeUInt32LE(v.length, pos);
    pos += 4;
    for (const item of v) writeValue(item);
    return;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    const keys = Object.keys(v);
    scratch[pos++] = T_OBJECT;
    ensure(4);
    scratch.writeUInt32LE(keys.length, pos);
    pos += 4;
    for (const k of keys) {
      writeString(k);
      writeValue((v as Record<string, unknown>)[k]);
    }
    return;
  }
  writeV8(v);
}

function writeV8(v: unknown): void {
  // Throws DataCloneError for functions and symbols, as postMessage would.
  const bytes = serialize(v);
  scratch[pos++] = T_V8;
  writeBytes(bytes);
}

/** Encodes `values` in order; the result is valid until the next call (copy it to keep it). */
export function encodeWire(values: readonly unknown[]): Buffer {
  pos = 0;
  for (const v of values) writeValue(v);
  return scratch.subarray(0, pos);
}

class Reader {
  private readonly buf: Buffer;
  private at = 0;
  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private length(): number {
    const n = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return n;
  }
  private string(): string {
    const n = this.length();
    const s = this.buf.toString("utf8", this.at, this.at + n);
    this.at += n;
    return s;
  }
  private bytes(): Buffer {
    const n = this.length();
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
  value(): unknown {
    const tag = this.buf[this.at++];
    switch (tag) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_TRUE:
        return true;
      case T_FALSE:
        return false;
      case T_INT: {
        const v = this.buf.readInt32LE(this.at);
        this.at += 4;
        return v;
      }
      case T_FLOAT: {
        const v = this.buf.readDoubleLE(this.at);
        this.at += 8;
        return v;
      }
      case T_STRING:
        return this.string();
      case T_BYTES:
        return this.bytes();
      case T_BIGINT:
        return BigInt(this.string());
      case T_ARRAY: {
        const n = this.length();
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        return out;
      }
      case T_OBJECT: {
        const n = this.length();
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.string();
          out[k] = this.value();
        }
        return out;
      }
      case T_V8:
        return deserialize(this.bytes());
      default:
        throw new Error(`corrupt cross-shard message: tag ${tag}`);
    }
  }
}

/** Decodes `count` values written by encodeWire. Byte arrays come back as views into `bytes`. */
export function decodeWire(bytes: Uint8Array, count: number): unknown[] {
  const r = new Reader(bytes);
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) out.push(r.value());
  return out;
}
