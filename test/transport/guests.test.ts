import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { ComposedImage } from "../../src/image/composed-image.ts";
import { mpm } from "../run/cli.ts";
import { composeTransportGuest } from "./guest-image.ts";

// Boots real Node guests under QEMU (TCG here, 30-60 s each on a busy 2-core machine). The guest-and-host test
// boots microvm (which then gets a PCIe host bridge for ivshmem), the two-guest test the default `pc`.
const BOOT_MS = 240_000;
const PEER = fileURLToPath(new URL("./fixtures/guest-peer.ts", import.meta.url));
const CLIENT = "/usr/bin/node /app/test/transport/fixtures/guest-peer.ts client";
/** `mpm run` of the transport guest on a machine, with the two regions attached. */
const runGuest = (machine: string, shms: readonly string[]) => [
  "run",
  image.path,
  "--machine",
  machine,
  "-m",
  "512",
  ...shms.flatMap((name) => ["--shm", name]),
];
/** The guest peer as a client of host:7000 (and 7001), routed over ivshmem. */
const clientArgs = (host: string) => [
  "--command",
  `${CLIENT} ${host} 7000`,
  "--env",
  `MPM_VRDMA_ROUTES=${routes(host)}`,
  "--timeout",
  "200",
];
const routes = (host: string) =>
  JSON.stringify({
    routes: [
      { address: `${host}:7000`, shm: "ivshmem:0" },
      { address: `${host}:7001`, shm: "ivshmem:1" },
    ],
  });

let dir: string;
let image: ComposedImage;
const tag = `vrdma-${process.pid}`;
const regions = [`${tag}-a0`, `${tag}-a1`, `${tag}-b0`, `${tag}-b1`];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "vrdma-guests-"));
  image = await composeTransportGuest(dir);
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const name of regions) rmSync(`/dev/shm/${name}`, { force: true });
});

test("a guest and a host process talk through ivshmem with the socket and verbs APIs", async () => {
  const [shm0, shm1] = [regions[0]!, regions[1]!];
  for (const name of [shm0, shm1]) {
    writeFileSync(`/dev/shm/${name}`, "");
    truncateSync(`/dev/shm/${name}`, 4 << 20);
  }
  const host: ChildProcess = spawn(
    process.execPath,
    [PEER, "serve", "0", `/dev/shm/${shm0}`, `/dev/shm/${shm1}`],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    const ready = await new Promise<string>((resolve) =>
      createInterface({ input: host.stdout! }).once("line", resolve),
    );
    assert.equal(ready, "VRDMA-GUEST-LISTENING");
    const result = await mpm([...runGuest("microvm", [shm0, shm1]), ...clientArgs("host")], {
      env: { MPM_ROOT: dir },
      timeoutMs: BOOT_MS,
    });
    assert.match(result.stdout, /VRDMA-GUEST-OK socket=shm verbs=shm/, result.stdout + result.stderr);
    assert.equal(result.status, 0);
  } finally {
    host.kill("SIGKILL");
  }
});

test("two guests talk through one ivshmem region pair with the socket and verbs APIs", async () => {
  const [shm0, shm1] = [regions[2]!, regions[3]!];
  const env = { MPM_ROOT: dir };
  const server = await mpm([...runGuest("pc", [shm0, shm1]), "-d", "--name", `${tag}-srv`], {
    env,
    timeoutMs: 60_000,
  });
  try {
    assert.equal(server.status, 0, server.stderr);
    const client = await mpm(
      [...runGuest("pc", [shm0, shm1]), "--name", `${tag}-cli`, ...clientArgs("peer")],
      { env, timeoutMs: BOOT_MS },
    );
    assert.match(client.stdout, /VRDMA-GUEST-OK socket=shm verbs=shm/, client.stdout + client.stderr);
    assert.equal(client.status, 0);
    const logs = await mpm(["logs", `${tag}-srv`], { env });
    assert.match(logs.stdout, /VRDMA-GUEST-LISTENING/);
  } finally {
    await mpm(["stop", `${tag}-srv`], { env, timeoutMs: 60_000 });
  }
});
