/**
 * Futures whose value is ready run their continuation at once; the continuation bound (default 256)
 * makes a long run of them yield to the event loop, so a timer still fires in the middle of the loop.
 *   node examples/shard/ready-futures.ts
 */
import { Future, repeat, setContinuationBound } from "../../src/shard/index.ts";

let order = "";
Future.ready("a").then((v) => {
  order += v;
});
order += "b";
// A Promise would print "ba"; a ready Future runs its continuation before the next statement.
console.log(`ready continuation ran first: ${order}`);

for (const bound of [256, 2 ** 30]) {
  setContinuationBound(bound);
  let iterations = 0;
  let timerSawIteration = -1;
  setTimeout(() => {
    timerSawIteration = iterations;
  }, 0);
  await repeat(() => (++iterations >= 200_000 ? "stop" : "continue"));
  const label = bound === 256 ? "bound 256" : "unbounded";
  const when = timerSawIteration < 0 || timerSawIteration >= 200_000 ? "after the loop" : "during the loop";
  console.log(`${label}: the timer fired ${when}`);
  await new Promise((r) => setTimeout(r, 5));
}
