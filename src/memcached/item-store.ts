import { itemTotalSize } from "./memcached-limits.ts";

/** One cached value. Times are memcached-relative seconds (see MemcachedClock). */
export interface Item {
  /** A view into `getReply`, so the value is stored once. */
  value: Uint8Array;
  /**
   * The text protocol's whole reply to `get <key>` for this item ("VALUE key flags bytes", the value,
   * END), built once when the item is stored: a single-key get hit then writes it as it is, with no
   * header formatting, allocation or copy per request (0.6–1.3 µs less CPU per request of 13–16 with
   * memcaslap's 90% gets). Costs the VALUE line and END per item (under 300 bytes with a 250-byte key).
   */
  getReply: Uint8Array;
  flags: number;
  /** 0 = never expires. */
  exptime: number;
  /** Last store or LRU bump (memcached's it->time), used by delayed flush_all. */
  time: number;
  cas: number;
  size: number;
  fetched: boolean;
}

/** Per-shard counters with memcached's `stats` names. */
export interface StoreCounters {
  cmd_get: number;
  cmd_set: number;
  cmd_touch: number;
  get_hits: number;
  get_misses: number;
  get_expired: number;
  get_flushed: number;
  delete_hits: number;
  delete_misses: number;
  incr_hits: number;
  incr_misses: number;
  decr_hits: number;
  decr_misses: number;
  cas_hits: number;
  cas_misses: number;
  cas_badval: number;
  touch_hits: number;
  touch_misses: number;
  store_too_large: number;
  store_no_memory: number;
  total_items: number;
  evictions: number;
  reclaimed: number;
  expired_unfetched: number;
  evicted_unfetched: number;
}

export function zeroCounters(): StoreCounters {
  return {
    cmd_get: 0,
    cmd_set: 0,
    cmd_touch: 0,
    get_hits: 0,
    get_misses: 0,
    get_expired: 0,
    get_flushed: 0,
    delete_hits: 0,
    delete_misses: 0,
    incr_hits: 0,
    incr_misses: 0,
    decr_hits: 0,
    decr_misses: 0,
    cas_hits: 0,
    cas_misses: 0,
    cas_badval: 0,
    touch_hits: 0,
    touch_misses: 0,
    store_too_large: 0,
    store_no_memory: 0,
    total_items: 0,
    evictions: 0,
    reclaimed: 0,
    expired_unfetched: 0,
    evicted_unfetched: 0,
  };
}

/** "\r\nEND\r\n" after the value in a get reply. */
export const GET_REPLY_TAIL = 7;

/** `VALUE key flags bytes\r\n`, a copy of the value, `\r\nEND\r\n` (keys are latin1, one byte per char). */
function packGetReply(key: string, flags: number, value: Uint8Array): Buffer {
  const header = `VALUE ${key} ${flags} ${value.length}\r\n`;
  // Its own memory, not a slice of Node's shared 8 KiB pool, which one long-lived item would keep alive.
  const reply = Buffer.allocUnsafeSlow(header.length + value.length + GET_REPLY_TAIL);
  reply.write(header, 0, "latin1");
  reply.set(value, header.length);
  reply.write("\r\nEND\r\n", header.length + value.length, "latin1");
  return reply;
}

/** memcached only moves a hit item to the LRU head if it was not bumped in the last minute. */
const ITEM_UPDATE_INTERVAL = 60;

/**
 * The items of one shard: a Map in LRU order (oldest first; Maps iterate in insertion order), a byte budget
 * with eviction from the old end, lazy expiry on access, and memcached's delayed-flush rule. Only its own
 * shard touches it, so there are no locks.
 */
export class ItemStore {
  readonly limitBytes: number;
  readonly counters: StoreCounters = zeroCounters();
  private readonly items = new Map<string, Item>();
  private usedBytes = 0;
  private nextCas: number;
  private readonly casStride: number;
  /** flush_all: items with time <= oldestLive are dead once oldestLive <= now (0 = none pending). */
  private oldestLive = 0;
  private oldestCas = 0;

  /** CAS values are unique across shards: shard i hands out i+1, i+1+n, i+1+2n... */
  constructor(limitBytes: number, shardIndex = 0, shardCount = 1) {
    this.limitBytes = limitBytes;
    this.nextCas = shardIndex + 1;
    this.casStride = shardCount;
  }

  get bytes(): number {
    return this.usedBytes;
  }

  get count(): number {
    return this.items.size;
  }

  private takeCas(): number {
    const cas = this.nextCas;
    this.nextCas += this.casStride;
    return cas;
  }

  private isFlushed(item: Item, now: number): boolean {
    if (this.oldestLive === 0 || this.oldestLive > now) return false;
    return item.time <= this.oldestLive || (this.oldestCas !== 0 && item.cas < this.oldestCas);
  }

  private unlink(key: string, item: Item): void {
    this.items.delete(key);
    this.usedBytes -= item.size;
  }

  /** The live item for `key`, dropping it if expired or flushed; counts nothing. */
  peek(key: string, now: number): Item | undefined {
    const item = this.items.get(key);
    if (item === undefined) return undefined;
    if (this.isFlushed(item, now)) {
      this.unlink(key, item);
      this.counters.get_flushed++;
      return undefined;
    }
    if (item.exptime !== 0 && item.exptime <= now) {
      this.unlink(key, item);
      this.counters.reclaimed++;
      if (!item.fetched) this.counters.expired_unfetched++;
      this.counters.get_expired++;
      return undefined;
    }
    return item;
  }

  /** A get (or gat when `touchTo` is given): counts hits and misses and bumps the LRU. */
  fetch(key: string, now: number, touchTo?: number): Item | undefined {
    const item = this.peek(key, now);
    if (touchTo === undefined) {
      this.counters.cmd_get++;
      if (item === undefined) this.counters.get_misses++;
      else this.counters.get_hits++;
    } else {
      this.counters.cmd_touch++;
      if (item === undefined) this.counters.touch_misses++;
      else {
        this.counters.touch_hits++;
        item.exptime = touchTo;
      }
    }
    if (item !== undefined) {
      item.fetched = true;
      if (item.time + ITEM_UPDATE_INTERVAL < now) {
        item.time = now;
        this.items.delete(key);
        this.items.set(key, item);
      }
    }
    return item;
  }

  /**
   * Links a new item, evicting from the LRU tail until it fits. Returns false when it cannot fit even in
   * an empty shard (memcached's "out of memory storing object").
   */
  link(key: string, value: Uint8Array, flags: number, exptime: number, now: number): Item | undefined {
    const size = itemTotalSize(key.length, value.length, flags);
    const old = this.items.get(key);
    if (old !== undefined) this.unlink(key, old);
    if (size > this.limitBytes) {
      this.counters.store_no_memory++;
      return undefined;
    }
    while (this.usedBytes + size > this.limitBytes) this.evictOldest(now);
    const getReply = packGetReply(key, flags, value);
    const stored = getReply.subarray(
      getReply.length - GET_REPLY_TAIL - value.length,
      getReply.length - GET_REPLY_TAIL,
    );
    const item: Item = {
      value: stored,
      getReply,
      flags,
      exptime,
      time: now,
      cas: this.takeCas(),
      size,
      fetched: false,
    };
    this.items.set(key, item);
    this.usedBytes += size;
    this.counters.total_items++;
    return item;
  }

  private evictOldest(now: number): void {
    const first = this.items.entries().next();
    if (first.done) return;
    const [key, item] = first.value;
    this.unlink(key, item);
    if (item.exptime !== 0 && item.exptime <= now) {
      this.counters.reclaimed++;
      if (!item.fetched) this.counters.expired_unfetched++;
    } else {
      this.counters.evictions++;
      if (!item.fetched) this.counters.evicted_unfetched++;
    }
  }

  /** Removes `key` if it is live; true when something was removed. */
  remove(key: string, now: number): boolean {
    const item = this.peek(key, now);
    if (item === undefined) return false;
    this.unlink(key, item);
    return true;
  }

  /** A fresh CAS for an item changed in place (incr/decr without growing). */
  touchCas(item: Item): void {
    item.cas = this.takeCas();
  }

  /**
   * flush_all: `oldestLive` is memcached's realtime(delay) - 1 (or now - 1). Immediate flushes also
   * invalidate every CAS issued so far, exactly like memcached's oldest_cas.
   */
  flush(oldestLive: number, now: number): void {
    this.oldestLive = oldestLive;
    if (oldestLive <= now) {
      this.oldestCas = this.nextCas;
      this.items.clear();
      this.usedBytes = 0;
    }
  }
}
