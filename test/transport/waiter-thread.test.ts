import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { shmAddon } from "../../src/transport/native/shm-addon.ts";
import { within } from "./helpers.ts";

const addon = shmAddon();
/** futex_waitv takes 128 words; the waiter thread keeps one for its control word. */
const WAITER_CAPACITY = 127;

describe("the native waiter thread (futex_waitv)", () => {
  const paths: string[] = [];
  const mapFile = (size: number, create = true): ArrayBuffer => {
    const path = `/dev/shm/vrdma-waiter-${process.pid}-${paths.length}`;
    if (create) paths.push(path);
    return addon.map(paths.at(-1)!, size, create);
  };
  /** Lists a wait on the word at byteOffset; resolves with its woken flag. */
  const wait = (buffer: ArrayBuffer, byteOffset: number, timeoutMs: number) => {
    let listed = false;
    const done = new Promise<boolean>((resolve) => {
      listed = addon.waiterWait(buffer, byteOffset, 0, timeoutMs, resolve);
    });
    return { listed, done };
  };
  const ring = (buffer: ArrayBuffer, byteOffset: number) => {
    Atomics.add(new Int32Array(buffer), byteOffset / 4, 1);
    addon.futexWake(buffer, byteOffset);
  };
  after(() => {
    for (const path of paths) rmSync(path, { force: true });
  });

  it("ends a wait when another mapping of the file rings it, and times out one nobody rings", async () => {
    const mine = mapFile(4096);
    const other = mapFile(4096, false); // the same file again, as a peer process maps it
    const quiet = wait(mine, 0, 20);
    const rung = wait(mine, 64, 60000);
    assert.ok(quiet.listed && rung.listed, "the waiter thread refused a wait");
    ring(other, 64);
    assert.equal(await within(rung.done, 5000, "the rung wait"), true);
    assert.equal(await within(quiet.done, 5000, "the quiet wait"), false);
  });

  it("hands back the waits on a region being unmapped, and keeps waiting on the others", async () => {
    const going = mapFile(4096);
    const staying = mapFile(4096);
    const onGoing = wait(going, 0, 60000);
    const onStaying = wait(staying, 0, 60000);
    addon.unmap(going);
    assert.equal(going.byteLength, 0, "unmap must detach the buffer");
    assert.equal(await within(onGoing.done, 5000, "the wait on the unmapped region"), false);
    ring(staying, 0);
    assert.equal(await within(onStaying.done, 5000, "the wait on the mapped region"), true);
  });

  it("keeps a region mapped while a wait holds it, even when nothing else refers to it", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const { other, done } = (() => {
      const buffer = mapFile(4096);
      // The waited-on buffer is unreachable from JavaScript once this function returns.
      return { other: mapFile(4096, false), done: wait(buffer, 0, 60000).done };
    })();
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50)); // let finalizers run
    gc();
    // Were the mapping released, the waiter thread would read an unmapped word here and crash the process.
    ring(other, 0);
    assert.equal(await within(done, 5000, "the wait on the collected buffer"), true);
  });

  it(`takes ${WAITER_CAPACITY} waits at once and sends the rest to the thread pool`, async () => {
    const buffer = mapFile(4096);
    const waits = Array.from({ length: 200 }, (_, i) => wait(buffer, i * 4, 60000));
    assert.equal(waits.filter((w) => w.listed).length, WAITER_CAPACITY);
    for (let i = 0; i < waits.length; i++) ring(buffer, i * 4);
    const woken = await within(Promise.all(waits.map((w) => w.done)), 5000, "200 rung waits");
    // A pool wait that starts after its ring sees the word changed and reports no wake-up; listed ones
    // report the move itself.
    woken.forEach((flag, i) => {
      if (waits[i]!.listed) assert.equal(flag, true, `listed wait ${i} missed its ring`);
    });
  });
});
