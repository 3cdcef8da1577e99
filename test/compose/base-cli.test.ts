import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { runBaseFetch } from "../../src/base/commands/base-fetch.ts";
import { mpm } from "./mpm-compose.ts";

before(async () => {
  await runBaseFetch({ only: ["kernel", "busybox"] });
});

test("base fetch is idempotent and base list shows what compose uses", async () => {
  const fetch = await mpm(["base", "fetch", "--only", "kernel,busybox"], {});
  assert.equal(fetch.status, 0, fetch.stderr);
  assert.match(fetch.stdout, /^kernel\s+\S+-amd64 \(already prepared\)$/m);
  assert.match(fetch.stdout, /^busybox\s+\S+ \(already prepared\)$/m);
  assert.equal(fetch.stderr, "", "no progress output when stderr is not a terminal");
  const list = await mpm(["base", "list", "--json"], {});
  const entries = JSON.parse(list.stdout) as Array<{
    kind: string;
    record: { source: string; details: { modules?: string[] } };
  }>;
  const kernel = entries.find((e) => e.kind === "kernel");
  assert.ok(kernel);
  assert.match(kernel.record.source, /^debian:linux-image-/);
  for (const m of ["virtio_pci", "virtio_mmio", "virtio_net", "net_failover", "failover", "qemu_fw_cfg"]) {
    assert.ok(kernel.record.details.modules?.includes(m), `module ${m}`);
  }
});

test("an empty cache lists nothing and says how to prepare the bases", async () => {
  const cache = await mkdtemp(join(tmpdir(), "mpm-empty-cache-"));
  try {
    const list = await mpm(["base", "list"], { MPM_CACHE: cache });
    assert.equal(list.status, 0);
    assert.match(list.stdout, /no bases prepared; run 'mpm base fetch'/);
    const bad = await mpm(["base", "fetch", "--only", "kernel,firmware"], { MPM_CACHE: cache });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /MPM_E_COMPOSE_INPUT: unknown base 'firmware'/);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});
