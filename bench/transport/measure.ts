import type { Socket } from "../../src/transport/connect.ts";
import type { ShmChannel } from "../../src/transport/shm-channel.ts";
import { median } from "../median.ts";

/** Round trips to run for one measurement: about budgetMs worth, at least 3. */
export function iterationsFor(rttMs: number, budgetMs: number): number {
  return Math.max(3, Math.min(5000, Math.round(budgetMs / Math.max(rttMs, 0.001))));
}

/** NetPIPE-style ping-pong on a socket that echoes: mean round-trip time in ms over n round trips. */
export function pingPong(socket: Socket, payload: Buffer, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let left = n;
    let got = 0;
    const start = performance.now();
    const onData = (chunk: Buffer) => {
      got += chunk.length;
      if (got < payload.length) return;
      got -= payload.length;
      if (--left > 0) {
        socket.write(payload);
        return;
      }
      socket.off("data", onData);
      socket.off("error", reject);
      resolve((performance.now() - start) / n);
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.write(payload);
  });
}

/** netperf TCP_STREAM style: pushes total bytes one way and waits for the receiver's one-byte receipt; MB/s. */
export async function stream(socket: Socket, total: number, chunkSize: number): Promise<number> {
  const chunk = Buffer.alloc(chunkSize, 0x61);
  const header = Buffer.alloc(8);
  header.writeBigUInt64LE(BigInt(total));
  const receipt = new Promise<void>((resolve) => socket.once("data", () => resolve()));
  const start = performance.now();
  socket.write(header);
  for (let sent = 0; sent < total; sent += chunkSize) {
    if (!socket.write(sent + chunkSize <= total ? chunk : chunk.subarray(0, total - sent))) {
      await new Promise((resolve) => socket.once("drain", resolve));
    }
  }
  await receipt;
  return total / 1e6 / ((performance.now() - start) / 1000);
}

/**
 * Ping-pong straight on a channel's rings, spinning without the event loop: the floor of what the
 * shared-memory path costs, to compare with the socket API on top of it. Mean round trip in ms.
 */
export function rawPingPong(channel: ShmChannel, payload: Buffer, n: number): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    let sent = 0;
    let got = 0;
    while (got < payload.length) {
      if (sent < payload.length) sent += channel.tx.write(sent === 0 ? payload : payload.subarray(sent));
      got += channel.rx.read(payload.length - got)?.length ?? 0;
    }
  }
  return (performance.now() - start) / n;
}

/** Median over `repeats` runs of rawPingPong with `size` bytes, each run about budgetMs long; ms. */
export function rawRtt(channel: ShmChannel, size: number, budgetMs: number, repeats: number): number {
  const payload = Buffer.alloc(size, 0x5a);
  const n = iterationsFor(rawPingPong(channel, payload, 2), budgetMs);
  const runs: number[] = [];
  for (let r = 0; r < repeats; r++) runs.push(rawPingPong(channel, payload, n));
  return median(runs);
}

/** Single-thread memcpy bandwidth (Buffer.copy is memmove) over 64 MiB buffers, MB/s, best of repeats. */
export function memcpyBandwidth(repeats: number): number {
  const size = 64 << 20;
  const a = Buffer.alloc(size, 1);
  const b = Buffer.alloc(size, 2);
  let best = 0;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    a.copy(b);
    best = Math.max(best, size / 1e6 / ((performance.now() - start) / 1000));
  }
  return best;
}

/**
 * The far end of rawPingPong: spins on the rings, echoing every byte (starting with `first`, bytes already
 * taken from the ring), until the peer marks its side closed. Blocks the event loop all that time.
 */
export function rawEcho(channel: ShmChannel, first?: Buffer): void {
  let pending = first;
  while (!channel.peerClosed()) {
    if (pending) {
      const n = channel.tx.write(pending);
      pending = n === pending.length ? undefined : pending.subarray(n);
    }
    if (!pending) pending = channel.rx.read(1 << 20);
  }
}

/** One size of a ping-pong curve: mean round trips in ms over shared memory, TCP and the raw rings. */
export interface PingPongRow {
  readonly size: number;
  readonly shm: number;
  readonly tcp: number;
  readonly raw: number;
}

/** One-way bandwidth in MB/s of a ping-pong of size bytes with the given round trip. */
export const pingPongMBps = (rttMs: number, size: number): number => size / 1e6 / (rttMs / 2 / 1000);

/** The headline figures of a ping-pong curve: latency at its smallest size, bandwidth at its largest. */
export function pingPongSummary(rows: readonly PingPongRow[]) {
  const small = rows[0]!;
  const large = rows.at(-1)!;
  return {
    smallLatencyUs: { shm: (small.shm / 2) * 1000, tcp: (small.tcp / 2) * 1000, raw: (small.raw / 2) * 1000 },
    smallLatencyRatioTcpOverShm: small.tcp / small.shm,
    largeBandwidthMBps: {
      shm: pingPongMBps(large.shm, large.size),
      tcp: pingPongMBps(large.tcp, large.size),
      raw: pingPongMBps(large.raw, large.size),
    },
    largeBandwidthRatioShmOverTcp: large.tcp / large.shm,
  };
}
