import assert from "node:assert/strict";
import { test } from "node:test";
import { AdaptivePoller } from "./adaptive-poller.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("the spin window shrinks to its floor when the peer never answers", async () => {
  const poller = new AdaptivePoller(() => false, { spinMs: 2, maxSleepMs: 1 });
  poller.start();
  await sleep(60);
  poller.stop();
  assert.ok(poller.windowMs < 0.01, `window ${poller.windowMs} ms`);
});

test("the spin window grows towards the peer's answer time and stays within spinMs", async () => {
  // A peer that answers every 0.3 ms: the window settles near 4x that, capped at spinMs.
  let next = performance.now();
  const answers = () => {
    const now = performance.now();
    if (now < next) return false;
    next = now + 0.3;
    return true;
  };
  const poller = new AdaptivePoller(answers, { spinMs: 2 });
  poller.start();
  await sleep(40);
  const settled = poller.windowMs;
  poller.stop();
  assert.ok(settled > 0.3 && settled <= 2, `window ${settled} ms`);

  const capped = new AdaptivePoller(answers, { spinMs: 0.5 });
  capped.start();
  await sleep(40);
  capped.stop();
  assert.ok(capped.windowMs <= 0.5, `window ${capped.windowMs} ms`);
});
