import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { AgentClient } from "../../src/agent/client/agent-client.ts";
import { runBaseFetch } from "../../src/base/commands/base-fetch.ts";
import { makeWaitingProbe } from "../helpers/package-fixture.ts";
import { runConformance } from "./conformance.ts";
import { MPM } from "./start-agent.ts";

const run = promisify(execFile);

// Boots a real guest under QEMU (TCG on CI): node starting in the guest dominates, ~20-60 s.
describe("the agent inside a composed guest", { timeout: 420_000 }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let client: AgentClient;
  let target: string;
  const name = `agent-e2e-${process.pid}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mpm-guest-agent-"));
    env = { ...process.env, MPM_ROOT: join(dir, "root") };
    // Idempotent: fetched into the mpm cache once (kernel, busybox, and the node runtime the agent needs).
    await runBaseFetch({ only: ["kernel", "busybox", "node"] });
    const image = join(dir, "probe.img");
    await run(MPM, ["compose", await makeWaitingProbe(dir), "--with", "httpserver", "-o", image], {
      env,
      timeout: 300_000,
    });
    const started = await run(MPM, ["run", image, "-d", "--name", name, "--port", "0:8000", "-m", "512"], {
      env,
      timeout: 60_000,
    });
    const port = Number(/127\.0\.0\.1:(\d+)->8000/.exec(started.stderr)?.[1]);
    assert.ok(port > 0, started.stderr);
    target = `127.0.0.1:${port}`;
    client = new AgentClient(target, { timeoutMs: 5000 });
    const deadline = Date.now() + 240_000;
    for (;;) {
      const ok = await client.get("/os/name").then(
        (v) => v === "OSv",
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error("the guest's agent did not answer within 240 s");
      await new Promise((r) => setTimeout(r, 1000));
    }
  });

  after(async () => {
    await run(MPM, ["stop", name], { env, timeout: 60_000 }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  test("every operation of the listings answers as specified in the guest", async () => {
    const result = await runConformance(client, { work: "/tmp" });
    assert.deepEqual(result.problems, []);
    assert.ok(
      (await client.get("/trace/status?match=^sched_switch$")) as unknown[],
      "tracefs mounted by the agent",
    );
  });

  test("the guest reports its own system: whole thread list, stored command line, rootfs", async () => {
    const threads = (await client.get("/os/threads")) as { list: { id: number; name: string }[] };
    assert.ok(
      threads.list.some((t) => t.id === 1),
      "init (pid 1) is listed: the whole guest, not a tree",
    );
    assert.ok(
      threads.list.some((t) => t.name === "sleep"),
      "the application runs beside the agent",
    );
    assert.equal(await client.get("/os/cmdline"), "--verbose /app");
    const df = (await client.get("/fs/df//")) as { mount: string }[];
    assert.equal(df[0]?.mount, "/");
  });

  test("top and freq work against the guest", async () => {
    const top = await run(MPM, ["top", target, "-n", "2", "-p", "1"], { timeout: 60_000 });
    assert.match(top.stdout, /threads on 1 CPUs; idle: +\d+%/);
    const freq = await run(MPM, ["freq", target, "sched_switch", "-n", "2", "-p", "1"], { timeout: 60_000 });
    assert.match(freq.stdout, /^ +sched_switch\n( +\d+\n){2}$/m);
  });

  test("POST /os/poweroff powers the guest off", async () => {
    assert.equal(await client.json("POST", "/os/poweroff"), "");
    const deadline = Date.now() + 60_000;
    let listed = true;
    while (listed && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      listed = (await run(MPM, ["ps"], { env, timeout: 30_000 })).stdout.includes(name);
    }
    assert.equal(listed, false, "the guest is gone from mpm ps");
  });
});
