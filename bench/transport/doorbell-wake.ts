// Wake-up ping-pong between two processes that both sleep between messages: the transport's FIFO doorbell
// (each side rings the other's and sleeps until its own rings) against a 1-byte TCP loopback ping-pong, the
// kernel path the doorbell is meant to match. Round-trip percentiles per run and medians over runs.
// Usage: node bench/transport/doorbell-wake.ts [runs per path, default 5]
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BellListener, BellRinger } from "../../src/transport/bell.ts";
import { median } from "../median.ts";

const ROUNDS = 2000;
const [role, a, b] = process.argv.slice(2);
const bells = (tag: string) => [0, 1].map((side) => join(tmpdir(), `doorbell-wake-${tag}-${side}`));

if (role === "bell-peer") {
  // Answers every ring on bell b by ringing bell a, until the parent stops it.
  const mine = new BellListener(b!);
  const peer = new BellRinger(a!);
  mine.onRing = () => peer.ring();
  process.stdout.write("ready\n");
  setInterval(() => {}, 1000);
} else if (role === "tcp-peer") {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on("data", (d) => socket.write(d));
  });
  server.listen(0, "127.0.0.1", () => process.stdout.write(`${JSON.stringify(server.address())}\n`));
} else {
  const runs = Number(role ?? 5);
  const results: Record<"fifo" | "tcp", number[][]> = { fifo: [], tcp: [] };
  for (let run = 0; run < runs; run++) {
    results.fifo.push(await fifoRun(`${process.pid}-${run}`));
    results.tcp.push(await tcpRun());
  }
  const summary = (kind: "fifo" | "tcp") => {
    const pick = (i: number) => median(results[kind].map((r) => r[i]!));
    return { p50: pick(0), p90: pick(1), p99: pick(2), mean: pick(3) };
  };
  const fifo = summary("fifo");
  const tcp = summary("tcp");
  const line = (name: string, s: typeof fifo) =>
    `${name}: round trip p50 ${s.p50.toFixed(1)} µs, p90 ${s.p90.toFixed(1)}, p99 ${s.p99.toFixed(1)}, mean ${s.mean.toFixed(1)}`;
  console.log(line("FIFO doorbell", fifo));
  console.log(line("TCP loopback ", tcp));
  console.log(
    `TCP / FIFO, median of ${runs} runs: p50 ${(tcp.p50 / fifo.p50).toFixed(2)}x, mean ${(tcp.mean / fifo.mean).toFixed(2)}x`,
  );
}

function startPeer(args: string[]): Promise<{ kill: () => void; line: string }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve) =>
    child.stdout!.once("data", (d: Buffer) => resolve({ kill: () => child.kill(), line: String(d).trim() })),
  );
}

/** [p50, p90, p99, mean] of round trips in µs. */
function stats(times: number[]): number[] {
  const sorted = [...times].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]! * 1000;
  return [at(0.5), at(0.9), at(0.99), (sorted.reduce((x, y) => x + y, 0) / sorted.length) * 1000];
}

async function fifoRun(tag: string): Promise<number[]> {
  const [mine, theirs] = bells(tag) as [string, string];
  const listener = new BellListener(mine);
  const peer = await startPeer(["bell-peer", mine, theirs]);
  const ringer = new BellRinger(theirs);
  const times: number[] = [];
  await new Promise<void>((resolve) => {
    let start = performance.now();
    listener.onRing = () => {
      times.push(performance.now() - start);
      if (times.length === ROUNDS) return resolve();
      start = performance.now();
      ringer.ring();
    };
    ringer.ring();
  });
  peer.kill();
  ringer.close();
  listener.close();
  // SIGTERM ends the peer without its exit hook, so its doorbell is removed here.
  rmSync(theirs, { force: true });
  return stats(times);
}

async function tcpRun(): Promise<number[]> {
  const peer = await startPeer(["tcp-peer"]);
  const { port } = JSON.parse(peer.line) as { port: number };
  const socket = tcpConnect(port, "127.0.0.1");
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once("connect", resolve));
  const times: number[] = [];
  const one = Buffer.from([1]);
  await new Promise<void>((resolve) => {
    let start = performance.now();
    socket.on("data", () => {
      times.push(performance.now() - start);
      if (times.length === ROUNDS) return resolve();
      start = performance.now();
      socket.write(one);
    });
    socket.write(one);
  });
  socket.destroy();
  peer.kill();
  return stats(times);
}
