/**
 * Effect of the ready-continuation bound: a loop of 300,000 ready futures runs while a 1 ms timer
 * measures how late the event loop serves it. A small bound keeps timers (and sockets) served at some cost
 * in loop speed; an unbounded loop finishes fastest but starves everything else until it ends.
 *
 *   node bench/shard/continuation-bound.ts
 */
import { setContinuationBound } from "../../src/shard/continuation-budget.ts";
import { repeat } from "../../src/shard/loops.ts";

const ITERATIONS = 300_000;
const BOUNDS = [1, 16, 256, 4096, 65536, 2 ** 30];

async function measure(bound: number) {
  setContinuationBound(bound);
  const lags: number[] = [];
  let expected = performance.now() + 1;
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(now - expected);
    expected = now + 1;
  }, 1);
  const start = performance.now();
  let i = 0;
  await repeat(() => (++i >= ITERATIONS ? "stop" : "continue"));
  const ms = performance.now() - start;
  clearInterval(timer);
  lags.sort((a, b) => a - b);
  return {
    bound,
    loopsPerSecond: ITERATIONS / (ms / 1000),
    timerTicks: lags.length,
    worstLagMs: lags.length ? lags[lags.length - 1]! : ms,
  };
}

const lines = [
  "| bound | ready continuations/s | 1 ms timer ticks served during the loop | worst timer lag ms |",
  "| --- | --- | --- | --- |",
];
for (const bound of BOUNDS) {
  await measure(bound); // warm-up
  const r = await measure(bound);
  lines.push(
    `| ${bound === 2 ** 30 ? "unbounded" : bound} | ${Math.round(r.loopsPerSecond)} | ${r.timerTicks} | ${r.worstLagMs.toFixed(1)} |`,
  );
}
process.stdout.write(`${lines.join("\n")}\n`);
