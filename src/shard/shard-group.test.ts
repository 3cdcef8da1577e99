import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MpmError } from "../errors/mpm-error.ts";
import { ShardGroup } from "./shard-group.ts";

/** A real group of worker-thread shards running the fixture module. */
describe("ShardGroup", { timeout: 60_000 }, () => {
  let group: ShardGroup;
  before(async () => {
    group = await ShardGroup.start({
      entry: new URL("./fixtures/counter-entry.ts", import.meta.url),
      shards: 3,
    });
  });
  after(async () => {
    await group?.stop();
  });

  it("runs closure-free functions and named handlers on the chosen shard", async () => {
    assert.deepEqual(await group.invokeOnAll((x: number) => x + 1, 1), [2, 2, 2]);
    assert.equal(await group.submitTo(2, "whoami"), 2);
  });

  it("runs main on shard 0, which drives a sharded service with invokeOnAll and mapReduce", async () => {
    const result = await group.runMain<{ total: number; perShard: number[] }>(5);
    assert.deepEqual(result.perShard, [5, 5, 5]);
    assert.equal(result.total, 15);
  });

  it("carries large arguments through the rings (back-pressure and framing)", async () => {
    const big = new Uint8Array(3 * 1024 * 1024).fill(7);
    const sums = await Promise.all(
      [0, 1, 2].map((i) => group.submitTo(i, (a: Uint8Array) => a.reduce((s, v) => s + v, 0), big)),
    );
    assert.deepEqual(sums, [big.length * 7, big.length * 7, big.length * 7]);
  });

  it("reports errors thrown on another shard, and unknown shards and handlers", async () => {
    await assert.rejects(
      Promise.resolve(
        group.submitTo(1, () => {
          throw new Error("bad input");
        }),
      ),
      (e: unknown) => e instanceof MpmError && e.code === "MPM_E_SHARD_REMOTE" && /bad input/.test(e.message),
    );
    await assert.rejects(
      Promise.resolve(group.submitTo(7, "whoami")),
      (e: unknown) => (e as MpmError).code === "MPM_E_SHARD_INDEX",
    );
    await assert.rejects(
      Promise.resolve(group.submitTo(0, "nope")),
      (e: unknown) => (e as MpmError).code === "MPM_E_SHARD_NO_HANDLER",
    );
  });

  it("keeps per-shard metrics", async () => {
    const { collectMetrics } = await import("./metrics.ts");
    const snapshots = await collectMetrics();
    assert.equal(snapshots.length, 3);
    for (const s of snapshots) assert.ok(s["shard_messages_received_total"]! > 0);
  });
});

describe("ShardGroup with small rings", { timeout: 60_000 }, () => {
  it("keeps every message that waits for ring space intact and in order", async () => {
    // 4 KiB rings hold one 3 kB message: the rest wait in the sender's backlog, in both directions.
    const group = await ShardGroup.start({ shards: 2, ringBytes: 4096 });
    try {
      const args = Array.from({ length: 64 }, (_, i) => new Uint8Array(3000).fill(i));
      const echoed = Promise.all(args.map((a) => group.submitTo(1, (x: Uint8Array) => x, a)));
      // A corrupted message answers a wrong call or none: fail rather than wait forever.
      const stuck = new Promise<never>((_, reject) => {
        setTimeout(() => reject(new Error("some calls were never answered")), 20_000).unref();
      });
      const echoes = await Promise.race([echoed, stuck]);
      for (const [i, echo] of echoes.entries())
        assert.deepEqual(new Uint8Array(echo), args[i], `message ${i}`);
    } finally {
      await group.stop();
    }
  });
});

describe("ShardGroup options", () => {
  it("refuses a bad shard count with a clear error", async () => {
    await assert.rejects(
      ShardGroup.start({ shards: 0 }),
      (e: unknown) => (e as MpmError).code === "MPM_E_SHARD_OPTION",
    );
  });

  it("reports an entry module that throws", async () => {
    await assert.rejects(
      ShardGroup.start({ entry: new URL("./fixtures/throwing-entry.ts", import.meta.url), shards: 1 }),
      (e: unknown) =>
        (e as MpmError).code === "MPM_E_SHARD_START" && /broken on purpose/.test((e as Error).message),
    );
  });
});
