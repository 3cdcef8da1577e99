import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const example = (name: string) => fileURLToPath(new URL(`../../examples/shard/${name}`, import.meta.url));

/** The tutorial's examples run as documented and print what docs/seastar-tutorial.md shows. */
describe("shard tutorial examples", { timeout: 120_000 }, () => {
  const node = process.execPath;

  it("hello-shards.ts: every shard answers", async () => {
    const { stdout } = await run(node, [example("hello-shards.ts")], { timeout: 60_000 });
    assert.equal(stdout, "shard 0 of 2 greets you\nshard 1 of 2 greets you\nsquares: 49, 49\n");
  });

  it("word-count.ts: words counted on their home shards", async () => {
    const { stdout } = await run(node, [example("word-count.ts")], { timeout: 60_000 });
    assert.match(stdout, /^words 16, distinct 11, per shard \d+\+\d+, "the" x4\n$/);
    const [a, b] = /per shard (\d+)\+(\d+)/.exec(stdout)!.slice(1).map(Number);
    assert.equal(a! + b!, 11);
  });

  it("echo-server.ts: connections spread over both shards by SO_REUSEPORT", async () => {
    const { stdout } = await run(node, [example("echo-server.ts")], { timeout: 60_000 });
    assert.match(stdout, /^20 replies, answered by shard \d( and shard \d)?\nshard \d: hello 0\n$/);
  });

  it("ready-futures.ts: ready continuations run at once, and the bound lets a timer in", async () => {
    const { stdout } = await run(node, [example("ready-futures.ts")], { timeout: 60_000 });
    assert.equal(
      stdout,
      "ready continuation ran first: ab\nbound 256: the timer fired during the loop\nunbounded: the timer fired after the loop\n",
    );
  });
});
