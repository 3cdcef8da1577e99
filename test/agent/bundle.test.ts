import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bundleAgent } from "../../src/agent/guest/bundle-agent.ts";

test("the bundled agent is one small file that listens, runs the app and exits with its status", {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "mpm-agent-bundle-"));
  try {
    const bundle = await bundleAgent();
    assert.ok(bundle.length < 200_000, `bundle is ${bundle.length} bytes`);
    const file = join(dir, "agent.mjs");
    writeFileSync(file, bundle);
    const proc = spawn(
      process.execPath,
      [file, "--mode", "host", "--port", "0", "--exit-with-app", "--shell", "sleep 1; exit 3"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    proc.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
    const [code] = await once(proc, "exit");
    clearTimeout(timer);
    assert.equal(code, 3, "the agent exits with the application's status");
    assert.match(out, /mpm-agent: listening on http:\/\/127\.0\.0\.1:\d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
