// The guest-to-guest benchmark's program inside the two guests (bench/transport/guests.ts boots them).
//   serve <port>                       guest A: echo/count server on TCP <port> and on ivshmem:0; echoes on
//                                      the raw rings of ivshmem:1 once bytes arrive there
//   measure <port> <hostPort> [--quick]  guest B: ping-pong 1 B..8 MiB, stream and request/response over
//                                      ivshmem:0 and over TCP to 10.0.2.2:<hostPort> (QEMU user networking
//                                      forwards it into guest A), then the raw rings; prints VRDMA-PROGRESS
//                                      lines and one VRDMA-BENCH {json} line
import { readFileSync } from "node:fs";
import net from "node:net";
import { connect, type Socket } from "../../src/transport/connect.ts";
import { RouteTable, resolveRegionPath } from "../../src/transport/route-table.ts";
import { createServer } from "../../src/transport/server.ts";
import { ShmChannel } from "../../src/transport/shm-channel.ts";
import { ShmRegion } from "../../src/transport/shm-region.ts";
import { median } from "../median.ts";
import { echoOrCount } from "./echo-or-count.ts";
import { iterationsFor, pingPong, rawEcho, rawPingPong, rawRtt, stream } from "./measure.ts";

const DEAD_MS = 8000; // TCG guests on a busy host stall for seconds
const RAW_GEOMETRY = { slots: 1, ringSize: 1 << 20, heapSize: 0, mrEntries: 0 };
// 1 MiB rings as on the host benchmark: 4 slots of two rings fit the 16 MiB region guests.ts attaches.
const SOCKET_GEOMETRY = { slots: 4, ringSize: 1 << 20, heapSize: 0, mrEntries: 0 };
const WARM_UP_MS = 3000;
const say = (line: string) => process.stdout.write(`${line}\n`);
const progress = (line: string) => say(`VRDMA-PROGRESS ${line}`);

type Kind = "shm" | "tcp";

function serve(port: number): void {
  const raw = new ShmChannel(ShmRegion.format(resolveRegionPath("ivshmem:1"), RAW_GEOMETRY), 0, 1);
  const waitForRaw = setInterval(() => {
    const first = raw.rx.read(1 << 20);
    if (!first) return;
    clearInterval(waitForRaw);
    rawEcho(raw, first);
  }, 100);
  const server = createServer({ deadAfterMs: DEAD_MS, geometry: SOCKET_GEOMETRY }, (socket) => {
    socket.setNoDelay(true);
    echoOrCount(socket);
  });
  server.listen({ port, host: "0.0.0.0", shm: "ivshmem:0" }, () => say("VRDMA-GUEST-LISTENING"));
}

/** Mean time of one empty event-loop turn (setImmediate), in µs: the poll interval of a spinning socket. */
async function eventLoopTurnUs(turns: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
  return ((performance.now() - start) / turns) * 1000;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

class Peer {
  readonly #port: number;
  readonly #hostPort: number;
  readonly #routes: RouteTable;

  constructor(port: number, hostPort: number) {
    this.#port = port;
    this.#hostPort = hostPort;
    this.#routes = new RouteTable([{ address: `peer:${port}`, shm: "ivshmem:0" }]);
  }

  /** A connection in mode "p" (echo) or "s" (stream count), checked by a 1-byte echo when it echoes. */
  async open(kind: Kind, mode: "p" | "s"): Promise<Socket> {
    const socket =
      kind === "shm"
        ? connect({
            port: this.#port,
            host: "peer",
            routes: this.#routes,
            deadAfterMs: DEAD_MS,
            timeoutMs: 20_000,
          })
        : net.connect({ port: this.#hostPort, host: "10.0.2.2", noDelay: true });
    try {
      await withTimeout(
        new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject)),
        20_000,
        `${kind} connect`,
      );
      socket.write(mode);
      // Slirp accepts a forwarded connection before the guest behind it listens: only an answer proves it.
      if (mode === "p") await withTimeout(pingPong(socket, Buffer.from("!"), 1), 10_000, `${kind} echo`);
      return socket;
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  /** open(), retried while guest A is still booting. */
  async openWhenUp(kind: Kind, mode: "p" | "s"): Promise<Socket> {
    const deadline = Date.now() + 300_000;
    for (;;) {
      try {
        return await this.open(kind, mode);
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await wait(1000);
      }
    }
  }
}

interface Settings {
  readonly repeats: number;
  readonly budgetMs: number;
  readonly sizes: readonly number[];
  readonly streamBytes: number;
}
type Pair = Record<Kind, number>;
/** Medians over both transports, with the runs they come from. */
export interface Measured extends Pair {
  runs: Record<Kind, number[]>;
}
export interface Row extends Measured {
  size: number;
  raw: number;
}
/** What the measuring guest prints after VRDMA-BENCH. */
export interface GuestResult extends Settings {
  secondsSinceConnected: number;
  clocksource: string;
  eventLoopTurnUs: number;
  pingpong: Row[];
  stream: Measured;
  requestResponsePerSecond: Measured;
}

/** Runs one measure `repeats` times per transport, alternating them so drifting load hits both alike. */
async function interleaved(repeats: number, run: (kind: Kind) => Promise<number>) {
  const runs: Record<Kind, number[]> = { shm: [], tcp: [] };
  for (let r = 0; r < repeats; r++) {
    for (const kind of ["shm", "tcp"] as const) runs[kind].push(await run(kind));
  }
  return { shm: median(runs.shm), tcp: median(runs.tcp), runs };
}

/**
 * A cold start made the first sizes 10-30x slower on the host (1 B shm round trips: 137 µs for the first
 * 3,000 after 400 warm-up ones, 4-6 µs after 15,000): seconds of 1-byte round trips, then each size.
 */
async function warmUp(ping: Record<Kind, Socket>, sizes: readonly number[]): Promise<Map<number, Pair>> {
  const one = Buffer.alloc(1, 1);
  for (const kind of ["shm", "tcp"] as const) {
    const until = performance.now() + WARM_UP_MS;
    while (performance.now() < until) await pingPong(ping[kind], one, 500);
  }
  const rtt = new Map<number, Pair>();
  for (const size of sizes) {
    const payload = Buffer.alloc(size, 0x5a);
    rtt.set(size, { shm: await pingPong(ping.shm, payload, 2), tcp: await pingPong(ping.tcp, payload, 2) });
  }
  return rtt;
}

async function pingPongSizes(ping: Record<Kind, Socket>, settings: Settings): Promise<Row[]> {
  const warm = await warmUp(ping, settings.sizes);
  progress("warm-up done");
  const rows: Row[] = [];
  for (const size of settings.sizes) {
    const payload = Buffer.alloc(size, 0x5a);
    const rtt = warm.get(size)!;
    const row = await interleaved(settings.repeats, (kind) =>
      pingPong(ping[kind], payload, iterationsFor(rtt[kind], settings.budgetMs)),
    );
    rows.push({ size, ...row, raw: 0 });
    progress(`ping-pong ${size} B: rtt shm ${row.shm.toFixed(3)} ms, tcp ${row.tcp.toFixed(3)} ms`);
  }
  return rows;
}

/** netperf TCP_RR style: 1-byte round trips per second, runs of about 5 ping-pong budgets. */
async function requestResponse(ping: Record<Kind, Socket>, oneByteRtt: Pair, settings: Settings) {
  const one = Buffer.alloc(1, 1);
  const rr = await interleaved(settings.repeats, async (kind) => {
    const n = iterationsFor(oneByteRtt[kind], settings.budgetMs * 5);
    return 1000 / (await pingPong(ping[kind], one, n));
  });
  progress(`request/response 1 B: shm ${rr.shm.toFixed(0)}/s, tcp ${rr.tcp.toFixed(0)}/s`);
  return rr;
}

async function streams(peer: Peer, settings: Settings) {
  const result = await interleaved(settings.repeats, async (kind) => {
    const socket = await peer.open(kind, "s");
    const mbps = await stream(socket, settings.streamBytes, 65536);
    socket.destroy();
    return mbps;
  });
  const mib = settings.streamBytes >> 20;
  progress(
    `stream ${mib} MiB in 64 KiB writes: shm ${result.shm.toFixed(1)}, tcp ${result.tcp.toFixed(1)} MB/s`,
  );
  return result;
}

/** Last, as guest A's echo spins with its event loop blocked until this side closes the raw rings. */
function rawRings(rows: Row[], settings: Settings): void {
  const raw = new ShmChannel(ShmRegion.open(resolveRegionPath("ivshmem:1")), 0, 0);
  // The first round trip waits for guest A to notice the rings (it looks every 100 ms); then warm up.
  rawPingPong(raw, Buffer.alloc(1, 1), 1000);
  for (const row of rows) {
    row.raw = rawRtt(raw, row.size, settings.budgetMs, settings.repeats);
    progress(`ping-pong ${row.size} B: rtt raw rings ${row.raw.toFixed(4)} ms`);
  }
  raw.markClosed();
}

async function measure(port: number, hostPort: number, quick: boolean): Promise<void> {
  const settings: Settings = {
    repeats: quick ? 1 : 3,
    budgetMs: quick ? 100 : 1000,
    sizes: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20, 8 << 20].filter(
      (size) => !quick || size <= 1 << 20,
    ),
    streamBytes: quick ? 16 << 20 : 64 << 20,
  };
  const peer = new Peer(port, hostPort);
  const ping = { shm: await peer.openWhenUp("shm", "p"), tcp: await peer.openWhenUp("tcp", "p") };
  progress("connected over ivshmem and user networking; warming up");
  const connected = performance.now();
  const pingpong = await pingPongSizes(ping, settings);
  const rr = await requestResponse(ping, pingpong[0]!, settings);
  ping.shm.destroy();
  ping.tcp.destroy();
  const stream_ = await streams(peer, settings);
  rawRings(pingpong, settings);
  const turnUs = await eventLoopTurnUs(5000);
  const clocksource = readFileSync(
    "/sys/devices/system/clocksource/clocksource0/current_clocksource",
    "utf8",
  );
  const result: GuestResult = {
    ...settings,
    // Guest time from the "connected" progress line to this one, for the host to check the guest's clock.
    secondsSinceConnected: (performance.now() - connected) / 1000,
    clocksource: clocksource.trim(),
    eventLoopTurnUs: turnUs,
    pingpong,
    stream: stream_,
    requestResponsePerSecond: rr,
  };
  say(`VRDMA-BENCH ${JSON.stringify(result)}`);
}

const [mode, a, b] = process.argv.slice(2) as [string, string, string?];
if (mode === "serve") serve(Number(a));
else if (mode === "measure") {
  try {
    await measure(Number(a), Number(b), process.argv.includes("--quick"));
    process.exit(0);
  } catch (error) {
    say(`VRDMA-BENCH-FAIL ${(error as Error).stack ?? error}`);
    process.exit(1);
  }
}
