import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { AgentClient } from "../../src/agent/client/agent-client.ts";
import { MPM, type StartedAgent, startCliAgent } from "./start-agent.ts";

const run = promisify(execFile);

describe("mpm top and mpm freq against a live agent", { timeout: 120_000 }, () => {
  let dir: string;
  let tracefs: string;
  let mounted = false;
  let agent: StartedAgent;
  let target: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mpm-topfreq-"));
    tracefs = join(dir, "tracefs");
    mkdirSync(tracefs);
    try {
      execFileSync("mount", ["-t", "tracefs", "nodev", tracefs], { stdio: "ignore", timeout: 5000 });
      mounted = true;
    } catch {
      mounted = false;
    }
    // A busy child in the agent's tree so top has a thread using CPU.
    agent = await startCliAgent([
      ...(mounted ? ["--tracefs", tracefs] : []),
      "--run",
      `${process.execPath} -e "while(Date.now()<${Date.now() + 60_000}){}"`,
    ]);
    target = `127.0.0.1:${agent.port}`;
  });

  after(async () => {
    await agent?.stop();
    if (mounted) execFileSync("umount", [tracefs], { timeout: 5000 });
    rmSync(dir, { recursive: true, force: true });
  });

  test("top prints thread count, idle per CPU and the busy thread first", async () => {
    const { stdout } = await run(MPM, ["top", target, "-n", "2", "-p", "1", "-s"], { timeout: 30_000 });
    const lines = stdout.trim().split("\n");
    assert.match(lines[0]!, /^\d+ threads$/);
    assert.match(lines[2]!, /^\d+ threads on \d+ CPUs; idle: ( *\d+% )+/);
    assert.match(lines[3]!, /ID CPU +%CPU +TIME +sw +sw\/s us\/sw preempt +pre\/s +mig mig\/s NAME/);
    const busy = lines[4]!.trim().split(/\s+/);
    // Node names its main thread MainThread; the spinning child is not the agent itself.
    assert.equal(busy.at(-1), "MainThread", `busiest thread is the spinning child: ${lines[4]}`);
    assert.notEqual(Number(busy[0]), agent.proc.pid);
    // Other work on a shared CI machine can starve it, so only "it used CPU" is asserted, not how much.
    assert.ok(Number(busy[2]) > 0, `it used CPU: ${lines[4]}`);
    assert.ok(!stdout.includes("\x1b["), "no screen clearing when stdout is not a terminal");
  });

  test("freq lists tracepoints, counts with a repeated header, and clears counters on SIGINT", async (t) => {
    if (!mounted) {
      t.skip("tracefs cannot be mounted here");
      return;
    }
    const list = await run(MPM, ["freq", target], { timeout: 30_000 });
    assert.match(
      list.stdout,
      /^Usage: mpm freq host\[:port\] \[tracepoint\] \.\.\.\n\nValid values for <tracepoint>:\n\n/,
    );
    assert.match(list.stdout, /\nsched_switch\n/);
    assert.match(list.stdout, /\nsched:sched_switch\n/);

    const { stdout } = await run(MPM, ["freq", target, "sched_switch", "-p", "0.2", "-n", "21"], {
      timeout: 60_000,
    });
    const lines = stdout.trim().split("\n");
    assert.equal(lines[0], "Showing number of events per second. Refreshing every 0.2 seconds");
    assert.equal(lines[1], "   sched_switch");
    assert.equal(lines[21], "   sched_switch", "header repeated every 20 lines");
    assert.equal(lines.length, 24);
    assert.ok(lines.slice(2, 21).every((l) => /^ +\d+$/.test(l)));
    assert.ok(
      lines.slice(2, 21).some((l) => Number(l) > 0),
      "a busy machine switches",
    );

    const client = new AgentClient(`http://${target}`);
    const child = spawn(MPM, ["freq", target, "sched_switch", "kmem:kmalloc", "-p", "0.2"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const deadline = Date.now() + 20_000;
    while (out.split("\n").length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(((await client.get("/trace/count")) as { list: unknown[] }).list.length, 2);
    child.kill("SIGINT");
    const [code] = await once(child, "exit");
    assert.equal(code, 0);
    assert.deepEqual(((await client.get("/trace/count")) as { list: unknown[] }).list, []);
  });

  test("freq names an unknown tracepoint; top reports an unreachable agent", async () => {
    const bad = await run(MPM, ["freq", target, "no_such_tp"], { timeout: 30_000 }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal((bad as { code: number }).code, mounted ? 1 : 1);
    assert.match(
      (bad as { stderr: string }).stderr,
      mounted ? /Unrecognized tracepoint no_such_tp/ : /MPM_E_AGENT_REQUEST/,
    );
    const down = await run(MPM, ["top", "127.0.0.1:1", "-n", "1"], { timeout: 30_000 }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal((down as { code: number }).code, 69);
    assert.match((down as { stderr: string }).stderr, /MPM_E_AGENT_UNREACHABLE/);
  });
});
