import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ItemStore } from "./item-store.ts";
import { MemcachedClock, REALTIME_MAXDELTA } from "./memcached-clock.ts";
import { itemTotalSize } from "./memcached-limits.ts";
import { executeStoreRequest } from "./store-ops.ts";

const v = (s: string) => Buffer.from(s);

describe("MemcachedClock", () => {
  const started = 1_700_000_000;
  let nowMs = (started + 100) * 1000;
  const clock = new MemcachedClock(started, () => nowMs);

  it("treats up to 30 days as relative, beyond as absolute Unix time, negative as expired", () => {
    assert.equal(clock.currentTime(), 100);
    assert.equal(clock.realtime(0), 0);
    assert.equal(clock.realtime(10), 110);
    assert.equal(clock.realtime(REALTIME_MAXDELTA), 100 + REALTIME_MAXDELTA);
    assert.equal(clock.realtime(started + 500), 500);
    assert.equal(clock.realtime(started - 5), 1);
    assert.equal(clock.realtime(-1), 1);
    nowMs += 5000;
    assert.equal(clock.currentTime(), 105);
  });
});

describe("ItemStore", () => {
  it("evicts least recently used items to stay within its byte limit", () => {
    const size = itemTotalSize(2, 100, 0);
    const store = new ItemStore(size * 3);
    for (const k of ["k1", "k2", "k3"]) store.link(k, Buffer.alloc(100), 0, 0, 1);
    // A hit long after the store moves k1 to the young end.
    assert.ok(store.fetch("k1", 100));
    store.link("k4", Buffer.alloc(100), 0, 0, 100);
    assert.equal(store.peek("k2", 100), undefined, "oldest unused item evicted");
    assert.ok(store.peek("k1", 100));
    assert.ok(store.bytes <= size * 3);
    assert.equal(store.counters.evictions, 1);
  });

  it("expires items at their time and refuses items larger than the shard", () => {
    const store = new ItemStore(10_000);
    store.link("e", v("x"), 0, 50, 10);
    assert.ok(store.fetch("e", 49));
    assert.equal(store.fetch("e", 50), undefined);
    assert.equal(store.link("huge", Buffer.alloc(20_000), 0, 0, 1), undefined);
    assert.equal(store.counters.store_no_memory, 1);
  });

  it("implements add, replace, append, prepend, cas and incr/decr like memcached", () => {
    const store = new ItemStore(1 << 20);
    const run = (req: Parameters<typeof executeStoreRequest>[1]) => executeStoreRequest(store, req, 10);
    const set = (mode: "set" | "add" | "replace" | "append" | "prepend" | "cas", value: string, cas = 0n) =>
      run({ t: "store", mode, key: "k", flags: 0, exptime: 0, value: v(value), cas });
    assert.equal((set("replace", "a") as { s: string }).s, "NOT_STORED");
    assert.equal((set("add", "10") as { s: string }).s, "STORED");
    assert.equal((set("add", "x") as { s: string }).s, "NOT_STORED");
    assert.equal((set("append", "0") as { s: string }).s, "STORED");
    assert.equal((set("prepend", "1") as { s: string }).s, "STORED");
    const hit = (run({ t: "get", keys: ["k"], touchTo: undefined }) as [number, Uint8Array, number][])[0]!;
    assert.equal(Buffer.from(hit[1]).toString(), "1100");
    assert.equal((set("cas", "y", BigInt(hit[2]) + 1n) as { s: string }).s, "EXISTS");
    assert.equal((set("cas", "1100", BigInt(hit[2])) as { s: string }).s, "STORED");
    const decr = run({ t: "delta", key: "k", incr: false, delta: 1001n, create: undefined, cas: 0n });
    assert.deepEqual((decr as { value: bigint }).value, 99n);
    const after = (run({ t: "get", keys: ["k"], touchTo: undefined }) as [number, Uint8Array, number][])[0]!;
    assert.equal(Buffer.from(after[1]).toString(), "99  ", "shrunk in place, padded with spaces");
  });

  it("hands out CAS values that are unique across shards", () => {
    const a = new ItemStore(1 << 20, 0, 2);
    const b = new ItemStore(1 << 20, 1, 2);
    const cas = new Set<number>();
    for (let i = 0; i < 10; i++) {
      cas.add(a.link(`a${i}`, v("x"), 0, 0, 1)!.cas);
      cas.add(b.link(`b${i}`, v("x"), 0, 0, 1)!.cas);
    }
    assert.equal(cas.size, 20);
  });

  it("honours a delayed flush_all only once its time has come", () => {
    const store = new ItemStore(1 << 20);
    store.link("f", v("x"), 0, 0, 10);
    store.flush(19, 10);
    assert.ok(store.peek("f", 15));
    assert.equal(store.peek("f", 20), undefined);
  });
});
