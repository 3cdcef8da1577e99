import assert from "node:assert/strict";
import { test } from "node:test";
import { AdaptivePoller } from "./adaptive-poller.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A doorbell that can always be armed and never rings: every expired window ends in a sleep on it. */
const silentBell = { arm: () => true, disarm: () => {} };

test("with a doorbell the spin window shrinks to its floor when the peer never answers", async () => {
  const poller = new AdaptivePoller(() => false, { spinMs: 2, bellTimeoutMs: 1 }, silentBell);
  poller.start();
  await sleep(60);
  poller.stop();
  assert.ok(poller.windowMs < 0.01, `window ${poller.windowMs} ms`);
  assert.ok(poller.bellWaits > 3, `${poller.bellWaits} sleeps on the doorbell`);
});

test("without a doorbell the spin window stays wide, as a missed message costs a timer sleep", async () => {
  const unarmable = { arm: () => false, disarm: () => {} };
  for (const doorbell of [undefined, unarmable]) {
    const poller = new AdaptivePoller(() => false, { spinMs: 2, maxSleepMs: 1 }, doorbell);
    poller.start();
    await sleep(40);
    poller.stop();
    assert.equal(poller.windowMs, 2);
    assert.equal(poller.bellWaits, 0);
  }
});

test("the spin window settles near 16x the peer's answer time, within spinMs", async () => {
  // A peer that answers every 0.05 ms: the window moves from spinMs (2 ms) towards 16 x 0.05 = 0.8 ms.
  const everyMs = (gap: number) => {
    let next = performance.now();
    return () => {
      const now = performance.now();
      if (now < next) return false;
      next = now + gap;
      return true;
    };
  };
  const poller = new AdaptivePoller(everyMs(0.05), { spinMs: 2 });
  poller.start();
  await sleep(40);
  poller.stop();
  assert.ok(poller.windowMs > 0.3 && poller.windowMs < 2, `window ${poller.windowMs} ms`);

  const capped = new AdaptivePoller(everyMs(0.3), { spinMs: 0.5 });
  capped.start();
  await sleep(40);
  capped.stop();
  assert.ok(capped.windowMs <= 0.5, `window ${capped.windowMs} ms`);
});
