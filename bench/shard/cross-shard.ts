/**
 * Cross-shard message microbenchmark: round-trip latency (one call in flight) and throughput (a window of
 * calls in flight) of submitTo between two shards over the SPSC rings; compared in the same run with
 * postMessage between two worker threads (Node's built-in channel).
 *
 *   node bench/shard/cross-shard.ts [--repeats 3]
 */
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { ShardGroup } from "../../src/shard/shard-group.ts";
import { median } from "../median.ts";

const { values } = parseArgs({ options: { repeats: { type: "string", default: "3" } } });
const repeats = Number(values.repeats);
const params = { roundTrips: 5000, messages: 200_000, window: 1000 };

async function rings() {
  const group = await ShardGroup.start({ entry: new URL("./ping-entry.ts", import.meta.url), shards: 2 });
  try {
    return await group.runMain<{ rttMedianUs: number; rttP99Us: number; callsPerSecond: number }>(params);
  } finally {
    await group.stop();
  }
}

/** The same two measurements with postMessage between two workers. */
async function postMessagePeer() {
  const echo = new Worker(
    `const { parentPort } = require("node:worker_threads"); parentPort.on("message", (m) => parentPort.postMessage(m));`,
    { eval: true },
  );
  try {
    const pending = new Map<number, () => void>();
    echo.on("message", (id: number) => {
      pending.get(id)?.();
      pending.delete(id);
    });
    const call = (id: number) =>
      new Promise<void>((r) => {
        pending.set(id, r);
        echo.postMessage(id);
      });
    const rtts: number[] = [];
    for (let i = 0; i < params.roundTrips; i++) {
      const t = process.hrtime.bigint();
      await call(i);
      rtts.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    rtts.sort((a, b) => a - b);
    const start = process.hrtime.bigint();
    let sent = 0;
    while (sent < params.messages) {
      const batch = [];
      for (let i = 0; i < params.window && sent < params.messages; i++, sent++) batch.push(call(sent));
      await Promise.all(batch);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return {
      rttMedianUs: rtts[Math.floor(rtts.length / 2)]!,
      rttP99Us: rtts[Math.floor(rtts.length * 0.99)]!,
      callsPerSecond: params.messages / seconds,
    };
  } finally {
    await echo.terminate();
  }
}

const ours: Awaited<ReturnType<typeof rings>>[] = [];
const peer: Awaited<ReturnType<typeof rings>>[] = [];
for (let r = 0; r < repeats; r++) {
  ours.push(await rings());
  peer.push(await postMessagePeer());
}
const row = (name: string, rs: typeof ours) =>
  `| ${name} | ${median(rs.map((r) => r.rttMedianUs)).toFixed(1)} | ${median(rs.map((r) => r.rttP99Us)).toFixed(1)} | ${Math.round(median(rs.map((r) => r.callsPerSecond)))} |`;
process.stdout.write(
  [
    "| channel | round trip median µs | round trip p99 µs | calls/s (1000 in flight) |",
    "| --- | --- | --- | --- |",
    row("submitTo over SPSC rings", ours),
    row("postMessage between workers", peer),
    "",
  ].join("\n"),
);
