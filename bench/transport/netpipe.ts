// NetPIPE- and netperf-style measurements of the transport on this machine, in one run:
//   ping-pong latency and bandwidth, 1 B..8 MiB: socket API over shared memory and over TCP, raw rings,
//   and Debian's NPtcp on TCP loopback as the anchor; bulk stream (TCP_STREAM) and 1-byte request/response
//   (TCP_RR) for the socket API over both, with iperf3 and sockperf as anchors; memcpy bandwidth as the limit.
// Usage: node bench/transport/netpipe.ts [--quick]   (writes bench/results/transport.json and docs/vrdma-*.svg)
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { connect, type Socket } from "../../src/transport/connect.ts";
import { RouteTable } from "../../src/transport/route-table.ts";
import { ShmChannel } from "../../src/transport/shm-channel.ts";
import { removeRegion, ShmRegion } from "../../src/transport/shm-region.ts";
import { median } from "../median.ts";
import { iperf3, netpipeTcp, sockperf } from "./anchors.ts";
import {
  iterationsFor,
  memcpyBandwidth,
  pingPong,
  pingPongMBps,
  pingPongSummary,
  rawPingPong,
  rawRtt,
  stream,
} from "./measure.ts";
import { logLogChart } from "./svg-chart.ts";

const quick = process.argv.includes("--quick");
const root = fileURLToPath(new URL("../..", import.meta.url));
const REPEATS = quick ? 1 : 3;
const BUDGET_MS = quick ? 40 : 150;
const WARM_UP_MS = quick ? 1000 : 3000;
const SIZES = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20, 8 << 20];
const log = (line: string) => process.stderr.write(`${line}\n`);

function startPeer(args: string[]): Promise<{ child: ChildProcess; line: unknown }> {
  const child = spawn(process.execPath, [join(root, "bench/transport/peer.ts"), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bench peer exited with ${code}`)));
    createInterface({ input: child.stdout! }).once("line", (line) =>
      resolve({ child, line: JSON.parse(line) }),
    );
  });
}

async function open(port: number, routes: RouteTable, mode: "p" | "s"): Promise<Socket> {
  const socket = connect({ port, host: "127.0.0.1", routes });
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  socket.write(mode);
  return socket;
}

/** Median round trip (ms) of one size: a warm-up, then REPEATS timed runs of about BUDGET_MS each. */
async function socketRtt(socket: Socket, size: number): Promise<number> {
  const payload = Buffer.alloc(size, 0x5a);
  const warm = await pingPong(socket, payload, 2);
  // A tenth of the budget untimed first: the other transport ran last, so this one's sides are asleep and
  // their spin windows small; the first 1 B size measured 2x slower than the next ones without this.
  await pingPong(socket, payload, iterationsFor(warm, BUDGET_MS / 10));
  const n = iterationsFor(warm, BUDGET_MS);
  const runs: number[] = [];
  for (let r = 0; r < REPEATS; r++) runs.push(await pingPong(socket, payload, n));
  return median(runs);
}

const dir = mkdtempSync(join(tmpdir(), "vrdma-bench-"));
const shm = `/dev/shm/vrdma-bench-${process.pid}`;
const rawShm = `${shm}-raw`;
const children: ChildProcess[] = [];
try {
  log(`machine: ${cpus().length} x ${cpus()[0]?.model}`);
  const memcpy = memcpyBandwidth(10);
  log(`memcpy bandwidth: ${memcpy.toFixed(0)} MB/s`);

  const echo = await startPeer(["echo", shm]);
  children.push(echo.child);
  const port = (echo.line as { port: number }).port;
  const shmRoutes = new RouteTable([{ address: `127.0.0.1:${port}`, shm }]);
  const tcpRoutes = new RouteTable();
  const shmPing = await open(port, shmRoutes, "p");
  const tcpPing = await open(port, tcpRoutes, "p");

  // Warm up both paths for a few seconds before timing anything: with a cold JIT the first sizes measured
  // 3-10x slower (1 B shm one-way 93 µs cold, 5-8 µs warm, in one --quick run), and after 2,000 round trips
  // the first two sizes were still 2-10x slower than the next ones while V8 went on compiling.
  for (const start = performance.now(); performance.now() - start < WARM_UP_MS; ) {
    for (const socket of [shmPing, tcpPing]) {
      await pingPong(socket, Buffer.alloc(1), 2000);
      for (const size of SIZES) await pingPong(socket, Buffer.alloc(size), 3);
    }
  }

  const pingpong: { size: number; shm: number; tcp: number; raw: number }[] = [];
  for (const size of SIZES) {
    // Interleaved per size so drifting machine load hits both transports alike.
    const row = { size, shm: await socketRtt(shmPing, size), tcp: await socketRtt(tcpPing, size), raw: 0 };
    pingpong.push(row);
    log(`ping-pong ${size} B: rtt shm ${row.shm.toFixed(4)} ms, tcp ${row.tcp.toFixed(4)} ms`);
  }
  shmPing.destroy();
  tcpPing.destroy();

  // The raw-ring peer spins a core flat out, so it runs only for its own measurements.
  ShmRegion.format(rawShm, { slots: 1, ringSize: 1 << 20, heapSize: 0, mrEntries: 0 });
  const rawChannel = new ShmChannel(ShmRegion.open(rawShm), 0, 0);
  const raw = await startPeer(["raw", rawShm]);
  children.push(raw.child);
  rawPingPong(rawChannel, Buffer.alloc(1), 20000);
  for (const row of pingpong) {
    row.raw = rawRtt(rawChannel, row.size, BUDGET_MS, REPEATS);
    log(`ping-pong ${row.size} B: rtt raw ring ${row.raw.toFixed(4)} ms`);
  }
  rawChannel.markClosed();

  const total = quick ? 64 << 20 : 256 << 20;
  const streams = { shm: [] as number[], tcp: [] as number[] };
  for (let r = 0; r < REPEATS; r++) {
    for (const kind of ["shm", "tcp"] as const) {
      const socket = await open(port, kind === "shm" ? shmRoutes : tcpRoutes, "s");
      streams[kind].push(await stream(socket, total, 65536));
      socket.destroy();
    }
  }
  const stream_ = { shm: median(streams.shm), tcp: median(streams.tcp) };
  log(`stream 64 KiB writes: shm ${stream_.shm.toFixed(0)} MB/s, tcp ${stream_.tcp.toFixed(0)} MB/s`);

  const rr: { shm: number; tcp: number } = { shm: 0, tcp: 0 };
  for (const kind of ["shm", "tcp"] as const) {
    const socket = await open(port, kind === "shm" ? shmRoutes : tcpRoutes, "p");
    const payload = Buffer.alloc(1, 1);
    const n = iterationsFor(await pingPong(socket, payload, 10), quick ? 500 : 2000);
    const runs: number[] = [];
    for (let r = 0; r < REPEATS; r++) runs.push(1000 / (await pingPong(socket, payload, n)));
    rr[kind] = median(runs);
    socket.destroy();
  }
  log(`request/response 1 B: shm ${rr.shm.toFixed(0)}/s, tcp ${rr.tcp.toFixed(0)}/s`);

  log("anchors: NPtcp, iperf3, sockperf");
  const nptcp = await netpipeTcp(join(dir, "np.out"));
  const iperf = await iperf3(quick ? 2 : 5);
  const sockperfUs = await sockperf(quick ? 2 : 5, 14);
  log(`iperf3 ${iperf.toFixed(0)} MB/s, sockperf one-way ${sockperfUs.toFixed(1)} us`);

  const summary = {
    date: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model}`,
    node: process.version,
    repeats: REPEATS,
    memcpyMBps: memcpy,
    ...pingPongSummary(pingpong),
    stream: stream_,
    streamRatioShmOverTcp: stream_.shm / stream_.tcp,
    requestResponsePerSecond: rr,
    anchors: { iperf3MBps: iperf, sockperfOneWayUs: sockperfUs, nptcp },
    pingpong,
  };
  mkdirSync(join(root, "bench/results"), { recursive: true });
  writeFileSync(join(root, "bench/results/transport.json"), `${JSON.stringify(summary, null, 2)}\n`);

  const curve = (pick: (r: (typeof pingpong)[number]) => number, f: (rtt: number, size: number) => number) =>
    pingpong.map((r) => [r.size, f(pick(r), r.size)] as [number, number]);
  const us = (rtt: number) => (rtt / 2) * 1000;
  writeFileSync(
    join(root, "docs/vrdma-latency.svg"),
    logLogChart({
      title: "Ping-pong one-way latency (lower is better)",
      xLabel: "message size (bytes)",
      yLabel: "one-way latency (µs)",
      series: [
        { name: "shm, socket API", points: curve((r) => r.shm, us) },
        { name: "TCP, socket API", points: curve((r) => r.tcp, us) },
        { name: "shm, raw rings", points: curve((r) => r.raw, us) },
        { name: "NPtcp (C, TCP)", points: nptcp.map(([b, s]) => [b, s * 1e6] as [number, number]) },
      ],
    }),
  );
  writeFileSync(
    join(root, "docs/vrdma-bandwidth.svg"),
    logLogChart({
      title: "Ping-pong bandwidth (higher is better)",
      xLabel: "message size (bytes)",
      yLabel: "MB/s",
      series: [
        { name: "shm, socket API", points: curve((r) => r.shm, pingPongMBps) },
        { name: "TCP, socket API", points: curve((r) => r.tcp, pingPongMBps) },
        { name: "shm, raw rings", points: curve((r) => r.raw, pingPongMBps) },
        { name: "NPtcp (C, TCP)", points: nptcp.map(([b, s]) => [b, b / 1e6 / s] as [number, number]) },
      ],
      lines: [{ name: "memcpy", y: memcpy }],
    }),
  );
  process.stdout.write(
    `${JSON.stringify({ ...summary, pingpong: undefined, anchors: { ...summary.anchors, nptcp: undefined } }, null, 2)}\n`,
  );
} finally {
  for (const child of children) child.kill("SIGKILL");
  // The killed echo peer cannot remove its doorbells.
  removeRegion(shm);
  removeRegion(rawShm);
  rmSync(dir, { recursive: true, force: true });
}
