import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";
import { MPM, type StartedAgent, startCliAgent } from "./start-agent.ts";

const get = (url: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(url, { timeout: 10_000 }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createNetServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

async function stopProcess(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
  await once(proc, "exit");
  clearTimeout(timer);
}

describe("mpm monitor: Prometheus metrics and the live dashboard", { timeout: 180_000 }, () => {
  let dir: string;
  let agent: StartedAgent;
  let garbage: Server;
  let garbageTarget: string;
  let monitor: ChildProcess;
  let monitorUrl: string;
  let goneTarget: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mpm-monitor-"));
    agent = await startCliAgent([]);
    // A "guest" that answers garbage to everything.
    garbage = createServer((_req, res) => res.end("<html>not an agent</html>"));
    await new Promise<void>((r) => garbage.listen(0, "127.0.0.1", r));
    garbageTarget = `127.0.0.1:${(garbage.address() as { port: number }).port}`;
    goneTarget = `127.0.0.1:${await freePort()}`;
    const port = await freePort();
    monitor = spawn(
      MPM,
      [
        "monitor",
        `127.0.0.1:${agent.port}`,
        garbageTarget,
        goneTarget,
        "--interval",
        "0.5",
        "--port",
        String(port),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    monitorUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      "the monitor",
      async () => ((await get(`${monitorUrl}/metrics`)).status === 200 ? true : undefined),
      20_000,
    );
  });

  after(async () => {
    await stopProcess(monitor);
    await agent?.stop();
    await new Promise((r) => garbage?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test("/metrics marks the live guest up and the garbage and vanished ones down", async () => {
    const text = await waitFor(
      "a sample with thread CPU",
      async () => {
        const t = (await get(`${monitorUrl}/metrics`)).body;
        return t.includes("mpm_guest_thread_cpu_percent{") ? t : undefined;
      },
      20_000,
    );
    const live = `127.0.0.1:${agent.port}`;
    assert.match(text, new RegExp(`mpm_guest_up\\{guest="${live}"\\} 1`));
    assert.match(text, new RegExp(`mpm_guest_up\\{guest="${garbageTarget}"\\} 0`));
    assert.match(text, new RegExp(`mpm_guest_up\\{guest="${goneTarget}"\\} 0`));
    assert.match(text, new RegExp(`mpm_guest_memory_total_bytes\\{guest="${live}"\\} [1-9]`));
    assert.match(text, new RegExp(`mpm_guest_poll_failures_total\\{guest="${garbageTarget}"\\} [1-9]`));
    const guests = JSON.parse((await get(`${monitorUrl}/api/guests`)).body) as {
      target: string;
      up: boolean;
      error?: string;
    }[];
    assert.match(guests.find((g) => g.target === garbageTarget)!.error!, /JSON|batch/);
  });

  test("a real Prometheus scrapes it", async () => {
    const promPort = await freePort();
    writeFileSync(
      join(dir, "prometheus.yml"),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: mpm\n    static_configs:\n      - targets: ["${new URL(monitorUrl).host}"]\n`,
    );
    const prom = spawn(
      "prometheus",
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "tsdb")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: "ignore" },
    );
    try {
      const query = `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent("mpm_guest_up")}`;
      const result = await waitFor(
        "Prometheus to scrape mpm_guest_up",
        async () => {
          const r = JSON.parse((await get(query)).body) as {
            data: { result: { metric: { guest: string }; value: [number, string] }[] };
          };
          return r.data.result.length === 3 ? r.data.result : undefined;
        },
        60_000,
      );
      const byGuest = Object.fromEntries(result.map((r) => [r.metric.guest, r.value[1]]));
      assert.equal(byGuest[`127.0.0.1:${agent.port}`], "1");
      assert.equal(byGuest[garbageTarget], "0");
      const targets = JSON.parse((await get(`http://127.0.0.1:${promPort}/api/v1/targets`)).body) as {
        data: { activeTargets: { health: string }[] };
      };
      assert.equal(targets.data.activeTargets[0]?.health, "up");
    } finally {
      await stopProcess(prom);
    }
  });

  test("the dashboard renders live plots per guest in headless Chromium", async () => {
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      timeout: 60_000,
    });
    try {
      const page = await browser.newPage();
      await page.goto(monitorUrl, { timeout: 30_000 });
      const live = `127.0.0.1:${agent.port}`;
      const card = page.locator(`.guest[data-target="${live}"]`);
      await card.locator('polyline[data-series^="MainThread"]').first().waitFor({ timeout: 30_000 });
      assert.equal(await card.getAttribute("data-up"), "true");
      assert.match((await card.textContent()) ?? "", /uptime \d+ s/);
      const points = await card.locator('polyline[data-series="used MiB"]').getAttribute("points");
      assert.ok((points ?? "").split(" ").length >= 2, "memory plot has several points");
      assert.equal(
        await page.locator(`.guest[data-target="${garbageTarget}"]`).getAttribute("data-up"),
        "false",
      );
      const shot = process.env["MPM_DASHBOARD_SCREENSHOT"];
      if (shot) await page.screenshot({ path: shot, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
