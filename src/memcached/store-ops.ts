import { parseU64, U64 } from "./c-numbers.ts";
import { GET_REPLY_TAIL, type Item, type ItemStore } from "./item-store.ts";

/**
 * The operations a shard performs on its own items. They are plain data so that a request for a key that
 * lives on another shard can be sent there as a message; the same code runs them locally or remotely.
 * Times are already converted to memcached-relative seconds by the shard that parsed the request.
 */
export type StoreMode = "set" | "add" | "replace" | "append" | "prepend" | "cas";

export type StoreRequest =
  | { readonly t: "get"; readonly keys: readonly string[]; readonly touchTo: number | undefined }
  | {
      readonly t: "store";
      readonly mode: StoreMode;
      readonly key: string;
      readonly flags: number;
      readonly exptime: number;
      readonly value: Uint8Array;
      /** 0n = no CAS check (binary set with CAS 0, text set). */
      readonly cas: bigint;
    }
  | { readonly t: "delete"; readonly key: string; readonly cas: bigint }
  | {
      readonly t: "delta";
      readonly key: string;
      readonly incr: boolean;
      readonly delta: bigint;
      /** Binary protocol: create with `initial` when missing, unless exptime is 0xffffffff (undefined). */
      readonly create: { readonly initial: bigint; readonly exptime: number } | undefined;
      readonly cas: bigint;
    }
  | { readonly t: "touch"; readonly key: string; readonly exptime: number }
  | { readonly t: "unlink"; readonly key: string }
  | { readonly t: "flush"; readonly oldestLive: number };

/** A hit: [flags, value, cas]. */
export type Hit = readonly [number, Uint8Array, number];

export type StoreStatus = "STORED" | "NOT_STORED" | "EXISTS" | "NOT_FOUND" | "NO_MEMORY";
export type DeltaResult =
  | { readonly s: "OK"; readonly value: bigint; readonly cas: number }
  | { readonly s: "NOT_FOUND" | "NON_NUMERIC" | "EXISTS" | "NO_MEMORY" };

export type StoreResponse =
  | (Hit | null)[]
  | { readonly s: StoreStatus; readonly cas: number }
  | { readonly s: "DELETED" | "NOT_FOUND" | "EXISTS" }
  | DeltaResult
  | boolean
  | undefined;

export function executeStoreRequest(store: ItemStore, req: StoreRequest, now: number): StoreResponse {
  switch (req.t) {
    case "get":
      return req.keys.map((key) => {
        const item = store.fetch(key, now, req.touchTo);
        return item === undefined ? null : ([item.flags, item.value, item.cas] as Hit);
      });
    case "store":
      return storeItem(store, req, now);
    case "delete":
      return deleteItem(store, req.key, req.cas, now);
    case "delta":
      return applyDelta(store, req, now);
    case "touch": {
      const item = store.fetch(req.key, now, req.exptime);
      return item !== undefined;
    }
    case "unlink":
      store.remove(req.key, now);
      return undefined;
    case "flush":
      store.flush(req.oldestLive, now);
      return undefined;
  }
}

function storeItem(
  store: ItemStore,
  req: Extract<StoreRequest, { t: "store" }>,
  now: number,
): { s: StoreStatus; cas: number } {
  store.counters.cmd_set++;
  const old = store.peek(req.key, now);
  const c = store.counters;
  let value = req.value;
  let flags = req.flags;
  let exptime = req.exptime;
  const casCheck = req.mode === "cas" || req.cas !== 0n;
  if (casCheck) {
    if (old === undefined) {
      c.cas_misses++;
      return { s: "NOT_FOUND", cas: 0 };
    }
    if (BigInt(old.cas) !== req.cas) {
      c.cas_badval++;
      return { s: "EXISTS", cas: 0 };
    }
    c.cas_hits++;
  }
  switch (req.mode) {
    case "add":
      if (old !== undefined) {
        // memcached bumps the existing item on a failed add.
        old.time = now;
        return { s: "NOT_STORED", cas: 0 };
      }
      break;
    case "replace":
      if (old === undefined) return { s: "NOT_STORED", cas: 0 };
      break;
    case "append":
    case "prepend":
      if (old === undefined) return { s: "NOT_STORED", cas: 0 };
      value = req.mode === "append" ? concat(old.value, req.value) : concat(req.value, old.value);
      flags = old.flags;
      exptime = old.exptime;
      break;
    default:
      break;
  }
  const item = store.link(req.key, value, flags, exptime, now);
  if (item === undefined) return { s: "NO_MEMORY", cas: 0 };
  return { s: "STORED", cas: item.cas };
}

function deleteItem(
  store: ItemStore,
  key: string,
  cas: bigint,
  now: number,
): { s: "DELETED" | "NOT_FOUND" | "EXISTS" } {
  const item = store.peek(key, now);
  if (item === undefined) {
    store.counters.delete_misses++;
    return { s: "NOT_FOUND" };
  }
  if (cas !== 0n && BigInt(item.cas) !== cas) return { s: "EXISTS" };
  store.remove(key, now);
  store.counters.delete_hits++;
  return { s: "DELETED" };
}

/** memcached's do_add_delta: parse the stored digits, wrap on incr, floor at 0 on decr. */
function applyDelta(store: ItemStore, req: Extract<StoreRequest, { t: "delta" }>, now: number): DeltaResult {
  const c = store.counters;
  const item = store.peek(req.key, now);
  if (item === undefined) {
    if (req.incr) c.incr_misses++;
    else c.decr_misses++;
    if (req.create === undefined) return { s: "NOT_FOUND" };
    const created = store.link(
      req.key,
      asciiBytes(req.create.initial.toString()),
      0,
      req.create.exptime,
      now,
    );
    if (created === undefined) return { s: "NO_MEMORY" };
    return { s: "OK", value: req.create.initial, cas: created.cas };
  }
  if (req.cas !== 0n && BigInt(item.cas) !== req.cas) return { s: "EXISTS" };
  const current = parseStoredNumber(item.value);
  if (current === undefined) return { s: "NON_NUMERIC" };
  if (req.incr) c.incr_hits++;
  else c.decr_hits++;
  let next: bigint;
  if (req.incr) next = (current + req.delta) & U64;
  else next = req.delta > current ? 0n : current - req.delta;
  const digits = next.toString();
  if (digits.length <= item.value.length) {
    // In place, padded with spaces to the old length, as memcached does ("100" decr 1 -> "99 ").
    writeInPlace(item, digits);
    store.touchCas(item);
    return { s: "OK", value: next, cas: item.cas };
  }
  const grown = store.link(req.key, asciiBytes(digits), item.flags, item.exptime, now);
  if (grown === undefined) return { s: "NO_MEMORY" };
  return { s: "OK", value: next, cas: grown.cas };
}

/** A new copy, not a write into the old bytes: a reply still waiting to be sent may hold them. */
function writeInPlace(item: Item, digits: string): void {
  const reply = new Uint8Array(item.getReply);
  const end = reply.length - GET_REPLY_TAIL;
  const bytes = reply.subarray(end - item.value.length, end).fill(0x20);
  for (let i = 0; i < digits.length; i++) bytes[i] = digits.charCodeAt(i);
  item.getReply = reply;
  item.value = bytes;
}

/** strtoull over the stored value (memcached parses it followed by its CRLF, so trailing spaces are fine). */
function parseStoredNumber(value: Uint8Array): bigint | undefined {
  return parseU64(Buffer.from(value.buffer, value.byteOffset, value.length).toString("latin1"));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function asciiBytes(text: string): Uint8Array {
  return Buffer.from(text, "latin1");
}
