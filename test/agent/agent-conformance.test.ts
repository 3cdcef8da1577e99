import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AgentClient } from "../../src/agent/client/agent-client.ts";
import { FULL_LISTINGS } from "../../src/agent/listings.ts";
import { runConformance } from "./conformance.ts";
import { type StartedAgent, startCliAgent } from "./start-agent.ts";

/** Mounts a private tracefs for the test when we may (root); otherwise the agent must say it has none. */
function mountTracefs(dir: string): boolean {
  try {
    execFileSync("mount", ["-t", "tracefs", "nodev", dir], { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

describe("agent on a host: conformance with OSv's listings", { timeout: 120_000 }, () => {
  let dir: string;
  let tracefs: string;
  let mounted = false;
  let agent: StartedAgent;
  let client: AgentClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mpm-agent-conf-"));
    tracefs = join(dir, "tracefs");
    mkdirSync(tracefs);
    mkdirSync(join(dir, "root", "work"), { recursive: true });
    writeFileSync(join(dir, "cmdline"), "/app --old\0");
    mounted = mountTracefs(tracefs);
    const args = ["--file-root", join(dir, "root"), "--cmdline-file", join(dir, "cmdline")];
    agent = await startCliAgent(mounted ? [...args, "--tracefs", tracefs] : args);
    client = new AgentClient(agent.url);
  });

  after(async () => {
    await agent?.stop();
    if (mounted) execFileSync("umount", [tracefs], { timeout: 5000 });
    rmSync(dir, { recursive: true, force: true });
  });

  test("every operation answers with the listing's status, type and model fields", async () => {
    const result = await runConformance(client, { work: "/work" });
    assert.deepEqual(result.problems, []);
    const power = ["os_poweroff", "os_shutdown", "os_reboot", "stop_api"];
    const missing = [...Object.values(FULL_LISTINGS)]
      .flatMap((l) => l.apis.flatMap((a) => a.operations.map((o) => o.nickname)))
      .filter((n) => !result.covered.has(n) && !power.includes(n));
    assert.deepEqual(missing, [], "operations without a conformance case");
  });

  test("POST /os/cmdline replaces the stored command line for the next boot", async () => {
    assert.equal(await client.json("POST", "/os/cmdline", { form: { cmdline: "/new --x" } }), "/new --x");
    assert.equal(readFileSync(join(dir, "cmdline"), "utf8"), "/new --x");
    assert.equal(await client.get("/os/cmdline"), "/new --x");
  });

  test("errors have OSv's {message, code} shape and status", async () => {
    const cases: [string, string, number, string][] = [
      ["GET", "/no/such/path", 404, "Not found"],
      ["POST", "/os/hostname", 400, "Missing mandatory parameter 'name'"],
      ["POST", "/env/X?val=", 400, "Missing mandatory parameter 'val'"],
      ["GET", "/file/work?op=BOGUS", 400, "Bad op parameter BOGUS"],
      ["DELETE", "/file/work?op=DELETE&recursive=maybe", 400, "Invalid value maybe use true/false or 0/1"],
      ["GET", "/env/MPM_SURELY_UNSET", 400, "No environment variable MPM_SURELY_UNSET"],
      ["GET", "/network/ifconfig/nope0", 404, "Interface nope0 not found"],
      ["GET", "/fs/df/no/such/mount", 404, "mount does not exist"],
    ];
    for (const [method, path, status, message] of cases) {
      const res = await client.request(method, path);
      assert.equal(res.status, status, `${method} ${path}`);
      assert.equal(res.headers["content-type"], "application/json");
      assert.deepEqual(JSON.parse(res.body.toString()), { message, code: status }, `${method} ${path}`);
    }
  });

  test("OSv wire behaviour: bare scalars, trailing slash, form bodies, .. rejected, other methods as GET", async () => {
    assert.equal((await client.request("GET", "/os/name")).body.toString(), '"OSv"');
    assert.match((await client.request("GET", "/os/uptime")).body.toString(), /^\d+$/);
    assert.equal((await client.request("GET", "/os/name/")).status, 200);
    const form = await client.request("POST", "/env/MPM_FORM", {
      body: "val=from+form",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(form.status, 200);
    assert.equal(await client.get("/env/MPM_FORM"), "from form");
    const dotdot = await client.request("GET", "/file/../etc/passwd?op=GET");
    assert.equal(dotdot.status, 400);
    assert.equal(dotdot.headers["content-type"], "text/html");
    assert.equal((await client.request("PATCH", "/os/name")).body.toString(), '"OSv"');
    const options = await client.request("OPTIONS", "/os/name");
    assert.equal(options.status, 200);
    assert.equal(options.body.length, 0);
  });

  test("/api-doc serves the listings with host and protocol filled in, plus OpenAPI 3 and a page", async () => {
    const index = (await client.get("/api-doc")) as { apis: { path: string }[] };
    assert.deepEqual(
      index.apis.map((a) => a.path),
      ["/api", "/app", "/env", "/file", "/fs", "/hardware", "/network", "/os", "/trace"],
    );
    const os = (await client.get("/api-doc/os")) as { basePath: string; apis: unknown[] };
    assert.equal(os.basePath, agent.url);
    assert.equal(os.apis.length, FULL_LISTINGS["os"]!.apis.length);
    const openapi = (await client.get("/openapi.json")) as { openapi: string; paths: Record<string, object> };
    assert.equal(openapi.openapi, "3.0.3");
    assert.ok(openapi.paths["/os/threads"]);
    assert.ok(openapi.paths["/file/{path-par}"]);
    const page = await client.request("GET", "/api-ui");
    assert.equal(page.headers["content-type"], "text/html");
    assert.match(page.body.toString(), /\/os\/threads/);
  });

  test("/os/threads lists the agent's own threads with real counters", async () => {
    const threads = (await client.get("/os/threads")) as {
      list: { id: number; name: string; cpu_ms: number; switches: number }[];
      time_ms: number;
    };
    assert.ok(Math.abs(threads.time_ms - Date.now()) < 60_000, "time_ms is wall-clock ms");
    const own = threads.list.find((t) => t.id === agent.proc.pid);
    assert.ok(own, "the agent's main thread is listed");
    assert.ok(own.switches > 0);
    assert.ok(
      threads.list.some((t) => t.name === "idle0"),
      "per-CPU idle threads for top",
    );
  });

  test("PUT /app starts a program that sees /env changes, and /app/finished follows it", async () => {
    await client.json("POST", "/env/MPM_APP_VALUE", { form: { val: "seen" } });
    const out = join(dir, "root", "app-out");
    const tids = (await client.json(
      "PUT",
      `/app/?command=${encodeURIComponent(`/bin/sh -c 'echo $MPM_APP_VALUE > ${out}'`)}`,
    )) as string;
    assert.match(tids, /^\d+$/);
    const deadline = Date.now() + 10_000;
    while ((await client.get(`/app/finished?tid=${tids}`)) !== "1" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(readFileSync(out, "utf8"), "seen\n");
    const bad = await client.request("PUT", "/app/?command=a%3Bb");
    assert.equal(bad.status, 400);
  });
});

describe("agent power operations end the agent in host mode", { timeout: 60_000 }, () => {
  for (const path of ["/os/poweroff", "/os/shutdown", "/os/reboot", "/api/stop"]) {
    test(`POST ${path}`, async () => {
      const agent = await startCliAgent([]);
      try {
        const res = await new AgentClient(agent.url).request("POST", path);
        assert.equal(res.status, 200);
        assert.equal(res.body.toString(), '""');
        const code = await new Promise<number | null>((resolve) => agent.proc.once("exit", resolve));
        assert.equal(code, 0);
      } finally {
        await agent.stop();
      }
    });
  }
});
