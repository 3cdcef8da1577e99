import { Future } from "../shard/future.ts";
import { itemTotalSize, KEY_MAX_LENGTH } from "./memcached-limits.ts";
import {
  type ConnectionControl,
  PROTOCOL_VERSION,
  type ProtocolContext,
  type StatLine,
} from "./protocol-context.ts";
import type { Reply, ReplySink } from "./reply-sink.ts";
import type { DeltaResult, Hit, StoreMode, StoreResponse, StoreStatus } from "./store-ops.ts";

/** memcached's binary protocol opcodes. */
const OP = {
  get: 0x00,
  set: 0x01,
  add: 0x02,
  replace: 0x03,
  delete: 0x04,
  increment: 0x05,
  decrement: 0x06,
  quit: 0x07,
  flush: 0x08,
  getq: 0x09,
  noop: 0x0a,
  version: 0x0b,
  getk: 0x0c,
  getkq: 0x0d,
  append: 0x0e,
  prepend: 0x0f,
  stat: 0x10,
  setq: 0x11,
  addq: 0x12,
  replaceq: 0x13,
  deleteq: 0x14,
  incrementq: 0x15,
  decrementq: 0x16,
  quitq: 0x17,
  flushq: 0x18,
  appendq: 0x19,
  prependq: 0x1a,
  verbosity: 0x1b,
  touch: 0x1c,
  gat: 0x1d,
  gatq: 0x1e,
  gatk: 0x23,
  gatkq: 0x24,
} as const;

/** Response statuses and the messages memcached puts in the body of an error response. */
const STATUS = {
  ok: 0x00,
  notFound: 0x01,
  exists: 0x02,
  tooLarge: 0x03,
  invalid: 0x04,
  notStored: 0x05,
  badDelta: 0x06,
  unknown: 0x81,
  noMemory: 0x82,
} as const;

const MESSAGES: Record<number, string> = {
  [STATUS.notFound]: "Not found",
  [STATUS.exists]: "Data exists for key.",
  [STATUS.tooLarge]: "Too large.",
  [STATUS.invalid]: "Invalid arguments",
  [STATUS.notStored]: "Not stored.",
  [STATUS.badDelta]: "Non-numeric server-side value for incr or decr",
  [STATUS.unknown]: "Unknown command",
  [STATUS.noMemory]: "Out of memory",
};

const HEADER = 24;
const NONE: Reply = [];

interface Request {
  readonly opcode: number;
  readonly key: string;
  readonly extras: Buffer;
  readonly value: Buffer;
  readonly opaque: number;
  readonly cas: bigint;
}

interface ResponseParts {
  status?: number;
  extras?: Uint8Array;
  key?: string;
  value?: Uint8Array;
  cas?: number | bigint;
}

function response(req: Request, parts: ResponseParts): Uint8Array[] {
  const extras = parts.extras ?? Buffer.alloc(0);
  const key = parts.key === undefined ? Buffer.alloc(0) : Buffer.from(parts.key, "latin1");
  const value = parts.value ?? Buffer.alloc(0);
  const h = Buffer.alloc(HEADER);
  h[0] = 0x81;
  h[1] = req.opcode;
  h.writeUInt16BE(key.length, 2);
  h[4] = extras.length;
  h.writeUInt16BE(parts.status ?? STATUS.ok, 6);
  h.writeUInt32BE(extras.length + key.length + value.length, 8);
  h.writeUInt32BE(req.opaque, 12);
  h.writeBigUInt64BE(BigInt(parts.cas ?? 0), 16);
  return [h, extras, key, value].filter((b) => b.length > 0);
}

function error(req: Request, status: number): Reply {
  return response(req, { status, value: Buffer.from(MESSAGES[status] ?? "", "latin1") });
}

function flagsExtras(flags: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(flags >>> 0, 0);
  return b;
}

const QUIET = new Set<number>([
  OP.getq,
  OP.getkq,
  OP.setq,
  OP.addq,
  OP.replaceq,
  OP.deleteq,
  OP.incrementq,
  OP.decrementq,
  OP.quitq,
  OP.flushq,
  OP.appendq,
  OP.prependq,
  OP.gatq,
  OP.gatkq,
]);

/**
 * memcached's binary protocol for one connection: 24-byte headers, the same opcode checks (a malformed
 * header gets "Invalid arguments" and the connection is closed, as memcached does), quiet variants that
 * answer only failures, and the same status codes and error texts.
 */
export class BinaryProtocol {
  private readonly ctx: ProtocolContext;
  private readonly sink: ReplySink;
  private readonly conn: ConnectionControl;
  private swallow = 0;

  constructor(ctx: ProtocolContext, sink: ReplySink, conn: ConnectionControl) {
    this.ctx = ctx;
    this.sink = sink;
    this.conn = conn;
  }

  process(input: Buffer, start: number): number {
    let pos = start;
    while (pos < input.length) {
      if (this.swallow > 0) {
        const n = Math.min(this.swallow, input.length - pos);
        this.swallow -= n;
        pos += n;
        continue;
      }
      if (this.conn.saturated()) break;
      if (input.length - pos < HEADER) break;
      if (input[pos] !== 0x80) {
        this.conn.closeNow();
        return input.length;
      }
      const opcode = input[pos + 1]!;
      const keyLength = input.readUInt16BE(pos + 2);
      const extrasLength = input[pos + 4]!;
      const bodyLength = input.readUInt32BE(pos + 8);
      const opaque = input.readUInt32BE(pos + 12);
      const cas = input.readBigUInt64BE(pos + 16);
      const stub: Request = { opcode, key: "", extras: Buffer.alloc(0), value: Buffer.alloc(0), opaque, cas };
      if (keyLength > KEY_MAX_LENGTH || keyLength + extrasLength > bodyLength) {
        this.sink.add(error(stub, STATUS.invalid));
        this.sink.closeWhenDone();
        return input.length;
      }
      const valueLength = bodyLength - keyLength - extrasLength;
      if (valueLength > this.ctx.itemSizeMax) {
        // Refused without buffering it: answer now, skip the body as it arrives.
        this.sink.add(error(stub, isStorage(opcode) ? STATUS.tooLarge : STATUS.invalid));
        if (isStorage(opcode)) this.ctx.counters.store_too_large++;
        this.swallow = bodyLength;
        pos += HEADER;
        continue;
      }
      if (input.length - pos < HEADER + bodyLength) break;
      const body = pos + HEADER;
      const req: Request = {
        opcode,
        key: input.toString("latin1", body + extrasLength, body + extrasLength + keyLength),
        extras: input.subarray(body, body + extrasLength),
        value: Buffer.from(input.subarray(body + extrasLength + keyLength, body + bodyLength)),
        opaque,
        cas,
      };
      pos = body + bodyLength;
      if (!this.valid(req, keyLength, extrasLength, bodyLength)) {
        this.sink.add(error(req, STATUS.invalid));
        this.sink.closeWhenDone();
        return input.length;
      }
      if (!this.dispatch(req)) return input.length;
    }
    return pos;
  }

  /** memcached's per-opcode header checks. */
  private valid(req: Request, keyLength: number, extrasLength: number, bodyLength: number): boolean {
    const o = req.opcode;
    const keyOnly = keyLength > 0 && extrasLength === 0 && bodyLength === keyLength;
    switch (o) {
      case OP.get:
      case OP.getq:
      case OP.getk:
      case OP.getkq:
      case OP.delete:
      case OP.deleteq:
        return keyOnly;
      case OP.set:
      case OP.setq:
      case OP.add:
      case OP.addq:
      case OP.replace:
      case OP.replaceq:
        return extrasLength === 8 && keyLength > 0;
      case OP.append:
      case OP.appendq:
      case OP.prepend:
      case OP.prependq:
        return extrasLength === 0 && keyLength > 0;
      case OP.increment:
      case OP.incrementq:
      case OP.decrement:
      case OP.decrementq:
        return keyLength > 0 && extrasLength === 20 && bodyLength === keyLength + 20;
      case OP.noop:
      case OP.version:
      case OP.quit:
      case OP.quitq:
        return keyLength === 0 && extrasLength === 0 && bodyLength === 0;
      case OP.flush:
      case OP.flushq:
        return keyLength === 0 && bodyLength === extrasLength && (extrasLength === 0 || extrasLength === 4);
      case OP.stat:
        return extrasLength === 0 && bodyLength === keyLength;
      case OP.verbosity:
        return extrasLength === 4 && keyLength === 0 && bodyLength === 4;
      case OP.touch:
      case OP.gat:
      case OP.gatq:
      case OP.gatk:
      case OP.gatkq:
        return extrasLength === 4 && keyLength > 0 && bodyLength === keyLength + 4;
      default:
        return true;
    }
  }

  /** Runs one request; false when the connection is to be closed. */
  private dispatch(req: Request): boolean {
    const o = req.opcode;
    const quiet = QUIET.has(o);
    const clock = this.ctx.clock;
    switch (o) {
      case OP.get:
      case OP.getq:
      case OP.getk:
      case OP.getkq:
        return this.get(req, undefined, o === OP.getk || o === OP.getkq, quiet);
      case OP.gat:
      case OP.gatq:
      case OP.gatk:
      case OP.gatkq:
        return this.get(
          req,
          clock.realtime(req.extras.readInt32BE(0)),
          o === OP.gatk || o === OP.gatkq,
          quiet,
        );
      case OP.touch: {
        const done = this.ctx.router.get([req.key], clock.realtime(req.extras.readInt32BE(0)));
        const format = (hits: (Hit | null)[]): Reply =>
          hits[0]
            ? response(req, { extras: flagsExtras(hits[0][0]), cas: hits[0][2] })
            : error(req, STATUS.notFound);
        this.sink.add(done instanceof Future ? done.then(format) : format(done));
        return true;
      }
      case OP.set:
      case OP.setq:
        return this.store(req, "set", quiet);
      case OP.add:
      case OP.addq:
        return this.store(req, "add", quiet);
      case OP.replace:
      case OP.replaceq:
        return this.store(req, "replace", quiet);
      case OP.append:
      case OP.appendq:
        return this.store(req, "append", quiet);
      case OP.prepend:
      case OP.prependq:
        return this.store(req, "prepend", quiet);
      case OP.delete:
      case OP.deleteq: {
        const r = this.ctx.router.run(req.key, { t: "delete", key: req.key, cas: req.cas });
        const format = (x: StoreResponse): Reply => {
          const s = (x as { s: string }).s;
          if (s === "DELETED") return quiet ? NONE : response(req, {});
          return error(req, s === "EXISTS" ? STATUS.exists : STATUS.notFound);
        };
        this.sink.add(r instanceof Future ? r.then(format) : format(r));
        return true;
      }
      case OP.increment:
      case OP.incrementq:
      case OP.decrement:
      case OP.decrementq:
        return this.delta(req, o === OP.increment || o === OP.incrementq, quiet);
      case OP.quit:
        this.sink.add(response(req, {}));
        this.sink.closeWhenDone();
        return false;
      case OP.quitq:
        this.sink.closeWhenDone();
        return false;
      case OP.flush:
      case OP.flushq: {
        const delay = req.extras.length === 4 ? req.extras.readInt32BE(0) : 0;
        const oldestLive = (delay > 0 ? clock.realtime(delay) : clock.currentTime()) - 1;
        this.sink.add(
          this.ctx.router
            .broadcast({ t: "flush", oldestLive })
            .then(() => (quiet ? NONE : response(req, {}))),
        );
        return true;
      }
      case OP.noop:
      case OP.verbosity:
        this.sink.add(response(req, {}));
        return true;
      case OP.version:
        this.sink.add(response(req, { value: Buffer.from(PROTOCOL_VERSION) }));
        return true;
      case OP.stat:
        return this.stat(req);
      default:
        this.sink.add(error(req, STATUS.unknown));
        return true;
    }
  }

  private get(req: Request, touchTo: number | undefined, withKey: boolean, quiet: boolean): boolean {
    const hits = this.ctx.router.get([req.key], touchTo);
    const format = (h: (Hit | null)[]): Reply => {
      const hit = h[0];
      if (hit) {
        return response(req, {
          extras: flagsExtras(hit[0]),
          key: withKey ? req.key : undefined,
          value: hit[1],
          cas: hit[2],
        });
      }
      if (quiet) return NONE;
      if (withKey) return response(req, { status: STATUS.notFound, key: req.key });
      return error(req, STATUS.notFound);
    };
    this.sink.add(hits instanceof Future ? hits.then(format) : format(hits));
    return true;
  }

  private store(req: Request, mode: StoreMode, quiet: boolean): boolean {
    const withExtras = mode !== "append" && mode !== "prepend";
    const flags = withExtras ? req.extras.readUInt32BE(0) : 0;
    const exptime = withExtras ? this.ctx.clock.realtime(req.extras.readInt32BE(4)) : 0;
    if (itemTotalSize(req.key.length, req.value.length, flags) > this.ctx.itemSizeMax) {
      this.ctx.counters.store_too_large++;
      this.sink.add(error(req, STATUS.tooLarge));
      return true;
    }
    const r = this.ctx.router.run(req.key, {
      t: "store",
      mode,
      key: req.key,
      flags,
      exptime,
      value: req.value,
      cas: req.cas,
    });
    const format = (x: StoreResponse): Reply => {
      const { s, cas } = x as { s: StoreStatus; cas: number };
      if (s === "STORED") return quiet ? NONE : response(req, { cas });
      if (s === "EXISTS") return error(req, STATUS.exists);
      if (s === "NOT_FOUND") return error(req, STATUS.notFound);
      if (mode === "add") return error(req, STATUS.exists);
      if (mode === "replace") return error(req, STATUS.notFound);
      return error(req, s === "NO_MEMORY" ? STATUS.noMemory : STATUS.notStored);
    };
    this.sink.add(r instanceof Future ? r.then(format) : format(r));
    return true;
  }

  private delta(req: Request, incr: boolean, quiet: boolean): boolean {
    const delta = req.extras.readBigUInt64BE(0);
    const initial = req.extras.readBigUInt64BE(8);
    const rawExptime = req.extras.readUInt32BE(16);
    const create =
      rawExptime === 0xffffffff ? undefined : { initial, exptime: this.ctx.clock.realtime(rawExptime | 0) };
    const r = this.ctx.router.run(req.key, { t: "delta", key: req.key, incr, delta, create, cas: req.cas });
    const format = (x: StoreResponse): Reply => {
      const d = x as DeltaResult;
      if (d.s === "OK") {
        if (quiet) return NONE;
        const v = Buffer.alloc(8);
        v.writeBigUInt64BE(d.value, 0);
        return response(req, { value: v, cas: d.cas });
      }
      if (d.s === "NON_NUMERIC") return error(req, STATUS.badDelta);
      if (d.s === "EXISTS") return error(req, STATUS.exists);
      if (d.s === "NO_MEMORY") return error(req, STATUS.noMemory);
      return error(req, STATUS.notFound);
    };
    this.sink.add(r instanceof Future ? r.then(format) : format(r));
    return true;
  }

  private stat(req: Request): boolean {
    const group = req.key === "" ? undefined : req.key;
    if (group === "reset") {
      this.ctx.resetStats();
      this.sink.add(response(req, {}));
      return true;
    }
    const stats = this.ctx.stats(group);
    if (stats === undefined) {
      this.sink.add(error(req, STATUS.notFound));
      return true;
    }
    this.sink.add(
      stats.then((lines: StatLine[]) => {
        const out: Uint8Array[] = [];
        for (const [name, value] of lines)
          out.push(...response(req, { key: name, value: Buffer.from(String(value)) }));
        out.push(...response(req, {}));
        return out;
      }),
    );
    return true;
  }
}

function isStorage(opcode: number): boolean {
  return (
    (opcode >= OP.set && opcode <= OP.replace) ||
    (opcode >= OP.setq && opcode <= OP.replaceq) ||
    opcode === OP.append ||
    opcode === OP.prepend ||
    opcode === OP.appendq ||
    opcode === OP.prependq
  );
}
