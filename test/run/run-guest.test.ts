import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { ComposedImage } from "../../src/image/composed-image.ts";
import { mpm } from "./cli.ts";
import { composeTestGuest } from "./guest-fixture.ts";

// Boots real guests under QEMU (TCG here): each boot takes 3-10 s on a busy 2-core machine.
const BOOT_MS = 150_000;
let dir: string;
let image: ComposedImage;

after(() => rmSync(dir, { recursive: true, force: true }));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "mpm-run-guest-"));
  image = await composeTestGuest(dir, "probe");
});

test("mpm run boots the image, applies run-time overrides and exits with the application's status", async () => {
  const result = await mpm(
    ["run", image.path, "--env", "WHO=cli", "--opt", "level=debug", "--name", "fg-1", "--timeout", "120"],
    { env: { MPM_ROOT: dir }, timeoutMs: BOOT_MS },
  );
  assert.equal(result.status, 7, result.stderr + result.stdout);
  assert.match(result.stdout, /^mpm-guest: app-start\r?$/m);
  assert.match(result.stdout, /who=cli host=fg-1 opt=debug args=\r?$/m);
  assert.match(result.stdout, /mpm-guest: app-exit 7/);
  assert.match(result.stderr, /KVM not used .*TCG|^$/);
});

test("--command replaces the stored command line (on the microvm machine)", async () => {
  const args = ["--command", "/app/main.sh one two", "--env", "CODE=0", "--machine", "microvm"];
  const result = await mpm(["run", `${image.path}.json`, ...args], {
    env: { MPM_ROOT: dir },
    timeoutMs: BOOT_MS,
  });
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /who=image host=probe opt= args=one two/);
});

test("a detached guest serves through its forwarded port, shows in ps and logs, and stops", async (t) => {
  const env = { MPM_ROOT: dir };
  const started = await mpm(
    ["run", image.path, "-d", "--name", "web", "--port", "0:8000", "--command", "/app/main.sh serve"],
    { env, timeoutMs: 30_000 },
  );
  t.after(() => mpm(["stop", "web"], { env }));
  assert.equal(started.status, 0, started.stderr);
  assert.equal(started.stdout, "web\n");
  const port = Number(/127\.0\.0\.1:(\d+)->8000/.exec(started.stderr)?.[1]);
  assert.ok(port > 0, started.stderr);

  const ps = await mpm(["ps"], { env });
  assert.match(
    ps.stdout,
    new RegExp(`^web\\s+\\d+\\s+probe\\s+127\\.0\\.0\\.1:${port}->8000\\s+\\d+s$`, "m"),
  );

  // slirp accepts connections before the guest listens: retry with short timeouts.
  let body = "";
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !body) {
    body = await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.text())
      .catch(() => "");
    if (!body) await sleep(500);
  }
  const logs = await mpm(["logs", "web"], { env });
  assert.equal(body, "served by web\n", logs.stdout);
  assert.match(logs.stdout, /mpm-guest: app-start/);

  const taken = await mpm(["run", image.path, "-d", "--name", "web"], { env });
  assert.equal(taken.status, 2);
  assert.match(taken.stderr, /MPM_E_GUEST_NAME_TAKEN/);

  // `logs -f` follows the console until the guest stops.
  const following = mpm(["logs", "web", "--follow"], { env, timeoutMs: 60_000 });
  await sleep(1000);
  const stopped = await mpm(["stop", "web"], { env });
  const followed = await following;
  assert.equal(followed.status, 0, followed.stderr);
  assert.match(followed.stdout, /mpm-guest: app-start/);
  assert.equal(stopped.status, 0, stopped.stderr);
  assert.equal((await mpm(["ps"], { env })).stdout, "NAME  PID  PACKAGE  PORTS  UP\n");
});

test("a guest whose kernel panics ends QEMU and is reported as an error", async () => {
  // No /init to run: the kernel finds no root and panics; panic=-1 and -no-reboot end QEMU.
  const record = { ...image, kernelArgs: `${image.kernelArgs} rdinit=/missing root=/dev/nothing` };
  const recordPath = join(dir, "panic.img.json");
  writeFileSync(recordPath, JSON.stringify(record));
  const result = await mpm(["run", recordPath, "--timeout", "120"], {
    env: { MPM_ROOT: dir },
    timeoutMs: BOOT_MS,
  });
  assert.equal(result.status, 1, result.stderr);
  assert.match(
    result.stderr,
    /MPM_E_GUEST_DIED: guest probe stopped without reporting an exit status \(the kernel panicked: Kernel panic - not syncing: /,
  );
});

test("--shm gives the guest an ivshmem-plain PCI device backed by /dev/shm", async (t) => {
  const name = `mpm-test-${process.pid}`;
  t.after(() => rmSync(`/dev/shm/${name}`, { force: true }));
  const result = await mpm(
    [
      "run",
      image.path,
      "--shm",
      `${name}:1M`,
      "--command",
      "/bin/sh -c 'cat /sys/bus/pci/devices/*/vendor /sys/bus/pci/devices/*/device'",
      "--timeout",
      "120",
    ],
    { env: { MPM_ROOT: dir }, timeoutMs: BOOT_MS },
  );
  assert.equal(result.status, 0, result.stderr + result.stdout);
  // Red Hat's vendor id and the ivshmem device id.
  assert.match(result.stdout, /^0x1af4\r?$/m);
  assert.match(result.stdout, /^0x1110\r?$/m);
});
