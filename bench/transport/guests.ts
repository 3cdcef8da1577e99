// Guest-to-guest NetPIPE/netperf-style benchmark of the transport: two Node guests (QEMU, `--machine pc`)
// share an ivshmem region; guest B measures, interleaved, the socket API over that region and over TCP through
// QEMU's user networking (10.0.2.2:<hostPort>, which slirp forwards into guest A), then the raw rings.
// Usage: node bench/transport/guests.ts [--quick]
//   (writes bench/results/transport-guests.json and docs/vrdma-guests-*.svg; progress on stderr)
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { mpm, REPO } from "../../test/run/cli.ts";
import { composeTransportGuest } from "../../test/transport/guest-image.ts";
import { freePort } from "./anchors.ts";
import type { GuestResult } from "./guest-bench.ts";
import { writeGuestCharts } from "./guest-charts.ts";
import { pingPongSummary } from "./measure.ts";

const quick = process.argv.includes("--quick");
const GUEST_PORT = 7000;
const PROGRAM = "/usr/bin/node /app/bench/transport/guest-bench.ts";
// 16 MiB holds 4 slots of 1 MiB rings (the host benchmark's ring size); the raw rings need 2 MiB.
const REGIONS = { socket: 16 << 20, raw: 4 << 20 };
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs guest B in the foreground, relaying its progress; resolves with its result and the host's timing. */
function runMeasuringGuest(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ result: GuestResult; hostSeconds: number; accel: string }> {
  const child = spawn(join(REPO, "bin/mpm"), args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  let tcg = false; // mpm says so on stderr when it falls back from KVM to TCG
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    tcg ||= /emulating with TCG/.test(c);
    tail = (tail + c).slice(-4000);
  });
  let connectedAt = 0;
  let result: GuestResult | undefined;
  let hostSeconds = 0;
  const started = performance.now();
  createInterface({ input: child.stdout }).on("line", (line) => {
    const progress = /VRDMA-PROGRESS (.*)/.exec(line);
    if (progress) {
      if (connectedAt === 0) connectedAt = performance.now();
      log(`[${((performance.now() - started) / 1000).toFixed(0)} s] guest B: ${progress[1]}`);
    }
    const found = /VRDMA-BENCH (\{.*\})/.exec(line);
    if (found) {
      result = JSON.parse(found[1]!) as GuestResult;
      hostSeconds = (performance.now() - connectedAt) / 1000;
    }
    if (/VRDMA-BENCH-FAIL/.test(line)) log(line);
  });
  return new Promise((resolve, reject) => {
    child.once("close", (status) => {
      if (result && status === 0) resolve({ result, hostSeconds, accel: tcg ? "tcg" : "kvm" });
      else reject(new Error(`guest B exited with ${status} and no result:\n${tail}`));
    });
  });
}

function summarise(
  guest: GuestResult,
  run: { hostSeconds: number; accel: string; hostPort: number; loadBefore: number },
) {
  const { stream, requestResponsePerSecond: rr } = guest;
  return {
    date: new Date().toISOString(),
    host: `${cpus().length} x ${cpus()[0]?.model}`,
    node: process.version,
    guests: `2 x (1 vCPU, 512 MiB, QEMU --machine pc, accel ${run.accel}), the transport guest image`,
    paths: {
      shm: `socket API over one ivshmem region (${REGIONS.socket >> 20} MiB, 1 MiB rings)`,
      tcp: `socket API over TCP: guest B -> 10.0.2.2:${run.hostPort} (slirp) -> host loopback -> slirp forward -> guest A`,
      raw: "raw rings in ivshmem, both guests spinning without the event loop",
    },
    hostReference: "bench/results/transport.json (the same measures between processes on the host)",
    loadAverage: { before: run.loadBefore, after: loadavg()[0] },
    repeats: guest.repeats,
    budgetMsPerRun: guest.budgetMs,
    streamBytes: guest.streamBytes,
    clock: {
      guestClocksource: guest.clocksource,
      guestSeconds: guest.secondsSinceConnected,
      hostSeconds: run.hostSeconds,
    },
    guestEventLoopTurnUs: guest.eventLoopTurnUs,
    ...pingPongSummary(guest.pingpong),
    stream,
    streamRatioShmOverTcp: stream.shm / stream.tcp,
    requestResponsePerSecond: rr,
    requestResponseRatioShmOverTcp: rr.shm / rr.tcp,
    pingpong: guest.pingpong,
  };
}

const dir = mkdtempSync(join(tmpdir(), "vrdma-guests-bench-"));
const tag = `vrdma-gbench-${process.pid}`;
const regions = { socket: `${tag}-sock`, raw: `${tag}-raw` };
const env = { MPM_ROOT: dir };
const shmArgs = ["--shm", `${regions.socket}:${REGIONS.socket >> 20}M`, "--shm", regions.raw];
const guestArgs = ["--machine", "pc", "-m", "512", ...shmArgs];
let serverUp = false;
try {
  const loadBefore = loadavg()[0]!;
  log(`load average ${loadBefore.toFixed(2)} (other jobs on this host make the guests' figures noisy)`);
  log("composing the transport guest image");
  const image = await composeTransportGuest(dir, { extraSources: ["bench/transport", "bench/median.ts"] });
  for (const name of ["socket", "raw"] as const) {
    writeFileSync(`/dev/shm/${regions[name]}`, "");
    truncateSync(`/dev/shm/${regions[name]}`, REGIONS[name]);
  }
  const hostPort = await freePort();
  log(`booting guest A (server, forwarded from 127.0.0.1:${hostPort}) detached`);
  const server = await mpm(
    ["run", image.path, "-d", "--name", `${tag}-a`, ...guestArgs, "-p", `${hostPort}:${GUEST_PORT}`].concat([
      "--command",
      `${PROGRAM} serve ${GUEST_PORT}`,
    ]),
    { env, timeoutMs: 120_000 },
  );
  if (server.status !== 0) throw new Error(`guest A did not start: ${server.stderr}`);
  serverUp = true;
  log("booting guest B (measures; takes minutes under TCG)");
  const { result, hostSeconds, accel } = await runMeasuringGuest(
    ["run", image.path, "--name", `${tag}-b`, ...guestArgs, "--timeout", quick ? "1200" : "3600"].concat([
      "--command",
      `${PROGRAM} measure ${GUEST_PORT} ${hostPort}${quick ? " --quick" : ""}`,
    ]),
    env,
  );
  const summary = summarise(result, { hostSeconds, accel, hostPort, loadBefore });
  mkdirSync(join(REPO, "bench/results"), { recursive: true });
  writeFileSync(join(REPO, "bench/results/transport-guests.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeGuestCharts(result.pingpong);
  process.stdout.write(`${JSON.stringify({ ...summary, pingpong: undefined }, null, 2)}\n`);
} finally {
  if (serverUp) {
    const logs = await mpm(["logs", `${tag}-a`], { env });
    if (!/VRDMA-GUEST-LISTENING/.test(logs.stdout)) log(`guest A's console:\n${logs.stdout.slice(-3000)}`);
    await mpm(["stop", `${tag}-a`], { env, timeoutMs: 60_000 });
  }
  for (const name of Object.values(regions)) rmSync(`/dev/shm/${name}`, { force: true });
  rmSync(dir, { recursive: true, force: true });
}
