import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MpmError } from "../errors/mpm-error.ts";
import { Promised } from "./future.ts";
import { Gate } from "./gate.ts";
import { Semaphore } from "./semaphore.ts";

describe("Gate", () => {
  it("closes only after the work inside has left, and refuses new work", async () => {
    const gate = new Gate();
    const work = new Promised<void>();
    const inside = gate.run(() => work.future);
    let closed = false;
    const closing = gate.close().then(() => {
      closed = true;
    });
    assert.equal(closed, false);
    assert.throws(
      () => gate.enter(),
      (e: unknown) => e instanceof MpmError && e.code === "MPM_E_SHARD_STOPPED",
    );
    work.resolve();
    await inside;
    await closing;
    assert.equal(closed, true);
  });
});

describe("Semaphore", () => {
  it("serves waiters in order and never over-commits units", async () => {
    const sem = new Semaphore(2);
    const order: string[] = [];
    await sem.wait(2);
    const big = sem.wait(2).then(() => order.push("big"));
    const small = sem.wait(1).then(() => order.push("small"));
    sem.signal(1);
    assert.deepEqual(order, []);
    sem.signal(1);
    await big;
    assert.deepEqual(order, ["big"]);
    sem.signal(2);
    await small;
    assert.deepEqual(order, ["big", "small"]);
    assert.equal(sem.availableUnits, 1);
  });

  it("gives the units back when the work throws, synchronously or later", async () => {
    const sem = new Semaphore(2);
    await assert.rejects(
      Promise.resolve(
        sem.withUnits(2, () => {
          throw new Error("at once");
        }),
      ),
      /at once/,
    );
    assert.equal(sem.availableUnits, 2);
    await assert.rejects(
      Promise.resolve(sem.withUnits(2, () => Promise.reject(new Error("later")))),
      /later/,
    );
    assert.equal(sem.availableUnits, 2);
  });

  it("fails waiters when broken", async () => {
    const sem = new Semaphore(0);
    const waiting = sem.wait();
    sem.broken();
    await assert.rejects(Promise.resolve(waiting), /broken/);
  });
});
