import { registerHandler } from "../../src/shard/handler-registry.ts";
import { shard } from "../../src/shard/this-shard.ts";

/** Entry of the cross-shard microbenchmark: shard 0 sends to shard 1 and measures. */
registerHandler("echo", (x: number) => x);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

export async function main(arg: { roundTrips: number; messages: number; window: number }) {
  // Round-trip latency: one message in flight at a time.
  const rtts: number[] = [];
  for (let i = 0; i < arg.roundTrips; i++) {
    const t = process.hrtime.bigint();
    await shard.submitTo(1, "echo", i);
    rtts.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  rtts.sort((a, b) => a - b);
  // Throughput: `window` calls in flight, batched by the rings.
  const start = process.hrtime.bigint();
  let sent = 0;
  while (sent < arg.messages) {
    const batch = [];
    for (let i = 0; i < arg.window && sent < arg.messages; i++, sent++)
      batch.push(shard.submitTo(1, "echo", sent));
    await Promise.all(batch);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    rttMedianUs: percentile(rtts, 0.5),
    rttP99Us: percentile(rtts, 0.99),
    callsPerSecond: arg.messages / seconds,
  };
}
