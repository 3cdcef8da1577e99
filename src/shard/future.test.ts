import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { continuationBound, deferredContinuations, setContinuationBound } from "./continuation-budget.ts";
import { Future, Promised } from "./future.ts";
import { repeat } from "./loops.ts";

describe("Future", () => {
  it("runs a continuation of a ready value at once, before the call returns", () => {
    let ran = false;
    Future.ready(1).then(() => {
      ran = true;
    });
    assert.equal(ran, true);
  });

  it("runs continuations when a pending future is resolved, and chains values and errors", async () => {
    const p = new Promised<number>();
    const chained = p.future.then((v) => v * 2).then((v) => Future.ready(v + 1));
    p.resolve(20);
    assert.equal(await chained, 41);
    const failed = Future.failed<number>(new Error("boom")).then((v) => v + 1);
    await assert.rejects(Promise.resolve(failed), /boom/);
    assert.equal(await Future.failed(new Error("x")).catch(() => 7), 7);
  });

  it("adopts promises", async () => {
    assert.equal(await Future.from(Promise.resolve(5)).then((v) => v + 1), 6);
  });

  it("defers ready continuations beyond the bound to a later loop turn", async () => {
    const saved = continuationBound();
    setContinuationBound(10);
    try {
      const before = deferredContinuations();
      let inline = 0;
      for (let i = 0; i < 25; i++) {
        Future.ready(i).then(() => {
          inline++;
        });
      }
      // Only the first 10 ran inline; the others wait for setImmediate.
      assert.equal(inline, 10);
      assert.equal(deferredContinuations() - before, 15);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      assert.equal(inline, 25);
    } finally {
      setContinuationBound(saved);
    }
  });

  it("runs every one of 300,000 continuations a future releases at once", async () => {
    const p = new Promised<number>();
    let ran = 0;
    for (let i = 0; i < 300_000; i++) {
      p.future.then(() => {
        ran++;
      });
    }
    const last = p.future.then(() => ran);
    // Released from inside a continuation, so they all join the queue of the one running.
    Future.ready(1).then((v) => p.resolve(v));
    const stuck = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error(`only ${ran} continuations ran`)), 10_000).unref();
    });
    assert.equal(await Promise.race([Promise.resolve(last), stuck]), 300_000);
  });

  it("lets timers run during a long loop of ready futures", async () => {
    let iterations = 0;
    let timerFiredAt = -1;
    setTimeout(() => {
      timerFiredAt = iterations;
    }, 1);
    await repeat(() => (++iterations >= 300_000 ? "stop" : "continue"));
    assert.ok(timerFiredAt > 0 && timerFiredAt < 300_000, `timer fired at iteration ${timerFiredAt}`);
  });
});
