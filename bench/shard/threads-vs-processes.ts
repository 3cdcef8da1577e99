/**
 * Why shards are worker threads: start-up time and message round trip of a worker thread versus a child
 * process, measured in the same run (medians of 5 starts, 2000 round trips each). Only threads can share
 * a SharedArrayBuffer, which the SPSC rings need; processes would need a shared file mapping and a
 * native addon for the atomics.
 *
 *   node bench/shard/threads-vs-processes.ts
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { median } from "../median.ts";

const ECHO_WORKER = `const { parentPort } = require("node:worker_threads");
parentPort.on("message", (m) => parentPort.postMessage(m)); parentPort.postMessage("up");`;
const ECHO_PROCESS = `process.on("message", (m) => process.send(m)); process.send("up");`;

interface Peer {
  send(m: unknown): void;
  once(cb: (m: unknown) => void): void;
  close(): Promise<void>;
}

async function measure(start: () => Peer): Promise<{ startMs: number; rttUs: number }> {
  const t0 = performance.now();
  const peer = start();
  await new Promise<void>((r) => peer.once(() => r()));
  const startMs = performance.now() - t0;
  const rtts: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    await new Promise<void>((r) => {
      peer.once(() => r());
      peer.send(i);
    });
    rtts.push((performance.now() - t) * 1000);
  }
  await peer.close();
  return { startMs, rttUs: median(rtts) };
}

const dir = mkdtempSync(join(tmpdir(), "tvp-"));
const script = join(dir, "echo.cjs");
writeFileSync(script, ECHO_PROCESS);
const threads: { startMs: number; rttUs: number }[] = [];
const processes: { startMs: number; rttUs: number }[] = [];
try {
  for (let i = 0; i < 5; i++) {
    threads.push(
      await measure(() => {
        const w = new Worker(ECHO_WORKER, { eval: true });
        return {
          send: (m) => w.postMessage(m),
          once: (cb) => w.once("message", cb),
          close: async () => {
            await w.terminate();
          },
        };
      }),
    );
    processes.push(
      await measure(() => {
        const c = fork(script, { stdio: "ignore" });
        return {
          send: (m) => c.send(m as string),
          once: (cb) => c.once("message", cb),
          close: async () => {
            c.kill();
          },
        };
      }),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const row = (name: string, rs: typeof threads) =>
  `| ${name} | ${median(rs.map((r) => r.startMs)).toFixed(1)} | ${median(rs.map((r) => r.rttUs)).toFixed(1)} |`;
process.stdout.write(
  [
    "| shard as | start-up ms (median of 5) | message round trip µs (median) |",
    "| --- | --- | --- |",
    row("worker thread (postMessage)", threads),
    row("child process (IPC channel)", processes),
    "",
  ].join("\n"),
);
