import { Future } from "../shard/future.ts";
import { shard, whenAllFutures } from "../shard/this-shard.ts";
import type { ItemStore } from "./item-store.ts";
import type { MemcachedClock } from "./memcached-clock.ts";
import { executeStoreRequest, type Hit, type StoreRequest, type StoreResponse } from "./store-ops.ts";

/** Name of the cross-shard handler that runs a StoreRequest on the key's home shard. */
export const STORE_HANDLER = "memcached.store";

/** FNV-1a over the key's bytes (keys are latin1 strings, one char per byte). */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Sends each request to the shard that owns its key. Requests for local keys run synchronously (no
 * future, no copy); others become a message to the home shard, the way Seastar's memcached does it.
 */
export class KeyRouter {
  private readonly store: ItemStore;
  private readonly clock: MemcachedClock;
  private readonly shards: number;
  private readonly self: number;

  constructor(store: ItemStore, clock: MemcachedClock, self: number, shards: number) {
    this.store = store;
    this.clock = clock;
    this.self = self;
    this.shards = shards;
  }

  home(key: string): number {
    return this.shards === 1 ? 0 : keyHash(key) % this.shards;
  }

  /** Runs a single-key request where its key lives. */
  run(key: string, req: StoreRequest): StoreResponse | Future<StoreResponse> {
    const home = this.home(key);
    if (home === this.self) return executeStoreRequest(this.store, req, this.clock.currentTime());
    return shard.submitTo<StoreRequest, StoreResponse>(home, STORE_HANDLER, req);
  }

  /**
   * A text `get` of one key on its home shard: the item's prepared reply, or null on a miss; undefined
   * when the key lives on another shard (then `get` serves it).
   */
  localGetReply(key: string): Uint8Array | null | undefined {
    if (this.shards !== 1 && this.home(key) !== this.self) return undefined;
    const item = this.store.fetch(key, this.clock.currentTime());
    return item === undefined ? null : item.getReply;
  }

  /** A multi-key get: one request per owning shard, results put back in key order. */
  get(keys: readonly string[], touchTo: number | undefined): (Hit | null)[] | Future<(Hit | null)[]> {
    if (this.shards === 1 || keys.every((k) => this.home(k) === this.self)) {
      return executeStoreRequest(
        this.store,
        { t: "get", keys, touchTo },
        this.clock.currentTime(),
      ) as (Hit | null)[];
    }
    const byShard = new Map<number, number[]>();
    keys.forEach((k, i) => {
      const h = this.home(k);
      const list = byShard.get(h);
      if (list === undefined) byShard.set(h, [i]);
      else list.push(i);
    });
    const results = new Array<Hit | null>(keys.length).fill(null);
    const parts: Future<void>[] = [];
    for (const [home, indexes] of byShard) {
      const req: StoreRequest = { t: "get", keys: indexes.map((i) => keys[i]!), touchTo };
      const reply = Future.from(
        home === this.self
          ? executeStoreRequest(this.store, req, this.clock.currentTime())
          : shard.submitTo<StoreRequest, StoreResponse>(home, STORE_HANDLER, req),
      );
      parts.push(
        reply.then((hits) => {
          (hits as (Hit | null)[]).forEach((hit, j) => {
            results[indexes[j]!] = hit;
          });
        }),
      );
    }
    return whenAllFutures(parts).then(() => results);
  }

  /**
   * Runs a request on every shard (flush_all): here at once, so that the next request of the same
   * connection already sees it; elsewhere by message, which arrives before any later request sent there.
   */
  broadcast(req: StoreRequest): Future<StoreResponse[]> {
    executeStoreRequest(this.store, req, this.clock.currentTime());
    const others: Future<StoreResponse>[] = [];
    for (let i = 0; i < this.shards; i++) {
      if (i !== this.self) others.push(shard.submitTo<StoreRequest, StoreResponse>(i, STORE_HANDLER, req));
    }
    return whenAllFutures(others);
  }
}
