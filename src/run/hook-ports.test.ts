import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { hookPorts } from "./hook-ports.ts";

test("the ports a test hook names as MPM_GUEST_PORT_<port> are the ones mpm test forwards", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mpm-hook-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "meta", "hooks", "support", "lib"), { recursive: true });
  writeFileSync(join(dir, "meta", "hooks", "test"), 'curl "127.0.0.1:$MPM_GUEST_PORT_8080/"\n');
  writeFileSync(
    join(dir, "meta", "hooks", "support", "lib", "c.mjs"),
    "process.env.MPM_GUEST_PORT_11211; process.env.MPM_GUEST_PORT_8080; MPM_GUEST_PORT_99999; MPM_GUEST_PORT_X",
  );
  assert.deepEqual(hookPorts(dir), [8080, 11211]);
  assert.deepEqual(hookPorts(join(dir, "nothing")), []);
});
