/**
 * What the agent costs: bundle size, its memory, image size and boot-to-ready it adds, and memcached
 * throughput while `mpm monitor` polls the agent every second, against the same without (one run,
 * interleaved repeats, medians). Run: node bench/agent/agent-bench.ts [--repeats N] [--skip-boot]
 * [--skip-memcached]. Writes bench/results/agent.json (parts skipped keep their previous values) and
 * bench/results/agent.svg.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { bundleAgent } from "../../src/agent/guest/bundle-agent.ts";
import { runBaseFetch } from "../../src/base/commands/base-fetch.ts";
import { makeWaitingProbe } from "../../test/helpers/package-fixture.ts";
import { barChartSvg } from "../cloud/bar-chart.ts";
import { median } from "../median.ts";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MPM = join(ROOT, "bin", "mpm");
const args = process.argv.slice(2);
const REPEATS = Number(args[args.indexOf("--repeats") + 1]) || 5;
const SKIP_BOOT = args.includes("--skip-boot");
const SKIP_MEMCACHED = args.includes("--skip-memcached");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
  await once(proc, "exit");
  clearTimeout(t);
}

const rssKiB = (pid: number): number =>
  Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

const answers = (url: string) => () => fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok);

async function startAgent(dir: string, extra: string[]): Promise<{ proc: ChildProcess; port: number }> {
  const port = await freePort();
  const bundle = join(dir, "agent.mjs");
  const proc = spawn(process.execPath, [bundle, "--mode", "host", "--port", String(port), ...extra], {
    stdio: "ignore",
  });
  await waitFor("agent", answers(`http://127.0.0.1:${port}/os/name`), 20_000);
  return { proc, port };
}

/** RSS of the bundled agent idle, and after 500 /os/threads and 500 /api/batch-sized polls. */
async function agentMemory(dir: string) {
  const { proc, port } = await startAgent(dir, []);
  await sleep(1000);
  const idle = rssKiB(proc.pid!);
  for (let i = 0; i < 500; i++) await fetch(`http://127.0.0.1:${port}/os/threads`).then((r) => r.text());
  for (let i = 0; i < 500; i++)
    await fetch(`http://127.0.0.1:${port}/network/ifconfig/`).then((r) => r.text());
  const busy = rssKiB(proc.pid!);
  await stop(proc);
  return { idleKiB: idle, after1000RequestsKiB: busy };
}

/** memaslap TPS against Debian's memcached, with or without agent + monitor polling every second. */
async function memcachedRun(withMonitor: boolean, dir: string): Promise<number> {
  const port = await freePort();
  const mc = spawn(
    "memcached",
    [
      ...(process.getuid?.() === 0 ? ["-u", "nobody"] : []),
      "-l",
      "127.0.0.1",
      "-p",
      String(port),
      "-U",
      "0",
      "-t",
      "2",
      "-m",
      "256",
    ],
    {
      stdio: "ignore",
    },
  );
  const extra: ChildProcess[] = [];
  try {
    await sleep(300);
    if (withMonitor) {
      const agent = await startAgent(dir, ["--pid", String(mc.pid)]);
      extra.push(agent.proc);
      const monPort = await freePort();
      const mon = spawn(
        MPM,
        ["monitor", `127.0.0.1:${agent.port}`, "--interval", "1", "--port", String(monPort)],
        { stdio: "ignore" },
      );
      extra.push(mon);
      await waitFor("monitor", answers(`http://127.0.0.1:${monPort}/metrics`), 20_000);
    }
    const { stdout } = await run(
      "memcaslap",
      ["-s", `127.0.0.1:${port}`, "-t", "8s", "-T", "2", "-c", "32"],
      {
        timeout: 60_000,
      },
    );
    const tps = /TPS:\s*(\d+)/g;
    let last = 0;
    for (const m of stdout.matchAll(tps)) last = Number(m[1]);
    return last;
  } finally {
    for (const p of extra.reverse()) await stop(p);
    await stop(mc);
  }
}

async function compose(
  target: string,
  out: string,
  withAgent: boolean,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  await run(MPM, ["compose", target, "-o", out, ...(withAgent ? ["--with", "httpserver"] : [])], {
    env,
    timeout: 300_000,
  });
  return statSync(out).size;
}

/** Seconds from `mpm run -d` to the app's first line (without agent) or to the API answering (with agent). */
async function bootToReady(
  image: string,
  withAgent: boolean,
  env: NodeJS.ProcessEnv,
  name: string,
): Promise<number> {
  const started = Date.now();
  try {
    const { stderr } = await run(MPM, ["run", image, "-d", "--name", name, "--port", "0:8000", "-m", "512"], {
      env,
      timeout: 120_000,
    });
    const port = /127\.0\.0\.1:(\d+)->8000/.exec(stderr)?.[1];
    await waitFor(
      "guest ready",
      async () => {
        if (withAgent) return await answers(`http://127.0.0.1:${port}/os/name`)();
        return (await run(MPM, ["logs", name], { env, timeout: 30_000 })).stdout.includes("probe-start");
      },
      300_000,
    );
    return (Date.now() - started) / 1000;
  } finally {
    await run(MPM, ["stop", name], { env, timeout: 60_000 }).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mpm-agent-bench-"));
  const env = { ...process.env, MPM_ROOT: join(dir, "root") };
  try {
    const bundle = await bundleAgent();
    writeFileSync(join(dir, "agent.mjs"), bundle);
    const out = join(ROOT, "bench", "results");
    const previous = (() => {
      try {
        return JSON.parse(readFileSync(join(out, "agent.json"), "utf8")) as Record<string, unknown>;
      } catch {
        return {};
      }
    })();
    const results: Record<string, unknown> = {
      ...previous,
      date: new Date().toISOString(),
      command: "node bench/agent/agent-bench.ts",
      bundle: { bytes: bundle.length, gzipBytes: gzipSync(bundle).length },
      memory: await agentMemory(dir),
    };
    console.error("memory", results["memory"]);
    const base: number[] = [];
    const monitored: number[] = [];
    for (let i = 0; i < (SKIP_MEMCACHED ? 0 : REPEATS); i++) {
      base.push(await memcachedRun(false, dir));
      monitored.push(await memcachedRun(true, dir));
      console.error(`memcached repeat ${i + 1}: ${base.at(-1)} vs ${monitored.at(-1)} TPS`);
    }
    if (!SKIP_MEMCACHED)
      results["memcached"] = {
        tool: "memcaslap (memaslap) -t 8s -T 2 -c 32 against memcached -t 2 on loopback",
        repeats: REPEATS,
        withoutTps: base,
        withMonitorTps: monitored,
        medianWithout: median(base),
        medianWithMonitor: median(monitored),
        ratio: median(monitored) / median(base),
      };
    if (!SKIP_BOOT) {
      await runBaseFetch({ only: ["kernel", "busybox", "node"] });
      const probe = await makeWaitingProbe(dir);
      const plain = join(dir, "plain.img");
      const agent = join(dir, "agent.img");
      const sizes = {
        nativeApp: await compose(probe, plain, false, env),
        nativeAppWithAgent: await compose(probe, agent, true, env),
        nodeApp: await compose(join(ROOT, "examples", "node-hello"), join(dir, "node.img"), false, env),
        nodeAppWithAgent: await compose(
          join(ROOT, "examples", "node-hello"),
          join(dir, "node-agent.img"),
          true,
          env,
        ),
      };
      results["imageBytes"] = sizes;
      const boots = { appStart: [] as number[], agentReady: [] as number[] };
      for (let i = 0; i < 3; i++) {
        boots.appStart.push(await bootToReady(plain, false, env, `bench-plain-${i}`));
        boots.agentReady.push(await bootToReady(agent, true, env, `bench-agent-${i}`));
        console.error(`boot repeat ${i + 1}: ${boots.appStart.at(-1)} s vs ${boots.agentReady.at(-1)} s`);
      }
      results["bootToReadySeconds"] = {
        ...boots,
        medianAppStart: median(boots.appStart),
        medianAgentReady: median(boots.agentReady),
        note: "QEMU TCG (no usable KVM) on a shared 2-core machine; app-start without agent vs API answering with it",
      };
    }
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "agent.json"), `${JSON.stringify(results, null, 2)}\n`);
    const mc = results["memcached"] as { medianWithout: number; medianWithMonitor: number };
    const groups = [
      {
        label: "memcached TPS (median, memaslap)",
        bars: [
          { label: "no agent", value: mc.medianWithout / 1000 },
          { label: "agent + monitor 1 s", value: mc.medianWithMonitor / 1000 },
        ],
      },
    ];
    const boot = results["bootToReadySeconds"] as
      | { medianAppStart: number; medianAgentReady: number }
      | undefined;
    if (boot) {
      groups.push({
        label: "boot to ready (s, median, TCG)",
        bars: [
          { label: "app starts, no agent", value: boot.medianAppStart },
          { label: "agent answers", value: boot.medianAgentReady },
        ],
      });
    }
    writeFileSync(join(out, "agent.svg"), barChartSvg("Agent cost (kTPS / seconds)", "", groups));
    console.log(JSON.stringify(results, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
