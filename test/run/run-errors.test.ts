import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { mpm, tempDir } from "./cli.ts";

/** A record that passes every check before QEMU starts; the files are placeholders. */
function fakeImage(dir: string): string {
  const image = join(dir, "app.cpio.gz");
  writeFileSync(image, "not an initramfs");
  writeFileSync(join(dir, "vmlinux"), "not a kernel");
  const record = {
    schema: 1,
    format: "initrd",
    path: image,
    package: { name: "app", version: "1.0.0" },
    packages: [],
    command: "/app",
    env: {},
    kernel: join(dir, "vmlinux"),
    kernelArgs: "quiet",
    minMemoryMiB: 128,
    ports: [],
    sizeBytes: 16,
    sha256: "0",
  };
  writeFileSync(`${image}.json`, JSON.stringify(record));
  return image;
}

test("QEMU missing: a clear error with the install command, exit 69", async (t) => {
  const dir = tempDir(t);
  const image = fakeImage(dir);
  // Only node's own directory on PATH: no qemu-system-x86_64.
  const result = await mpm(["run", image], {
    env: { MPM_ROOT: dir, PATH: dirname(process.execPath) },
    withoutWrapper: true,
  });
  assert.equal(result.status, 69);
  assert.match(result.stderr, /MPM_E_QEMU_MISSING: qemu-system-x86_64 was not found on PATH/);
  assert.match(result.stderr, /hint: install it: apt-get install .*qemu-system-x86/);
});

test("a host port already in use is refused before QEMU starts, naming the port", async (t) => {
  const dir = tempDir(t);
  const image = fakeImage(dir);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const result = await mpm(["run", image, "--port", `${port}:11211`], { env: { MPM_ROOT: dir } });
  assert.equal(result.status, 2);
  assert.match(
    result.stderr,
    new RegExp(`MPM_E_PORT_IN_USE: host port ${port} \\(127\\.0\\.0\\.1\\) is already in use`),
  );
  assert.match(result.stderr, /hint: .*--port 0:/);
});

test("an unknown image or package is an error naming it", async (t) => {
  const dir = tempDir(t);
  const result = await mpm(["run", join(dir, "nosuch-image.img.json")], { env: { MPM_ROOT: dir } });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /MPM_E_IMAGE_NOT_FOUND: .*nosuch-image\.img\.json/);
  const unknownPackage = await mpm(["run", "com.example.nosuch"], { env: { MPM_ROOT: dir } });
  assert.equal(unknownPackage.status, 2);
  assert.match(unknownPackage.stderr, /MPM_E_REPO_NOT_INSTALLED: 'com\.example\.nosuch' is not a package/);
});

test("a damaged image record names the record and the field", async (t) => {
  const dir = tempDir(t);
  const image = fakeImage(dir);
  writeFileSync(
    `${image}.json`,
    JSON.stringify({ schema: 1, format: "initrd", path: image, minMemoryMiB: 128 }),
  );
  const result = await mpm(["run", image], { env: { MPM_ROOT: dir } });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /MPM_E_IMAGE_RECORD: image record .*app\.cpio\.gz\.json field kernel/);
});

test("malformed run options are refused before anything starts", async (t) => {
  const dir = tempDir(t);
  const image = fakeImage(dir);
  for (const [args, pattern] of [
    [["--port", "80"], /--port 80: expected host:guest/],
    [["-m", "lots"], /-m lots/],
    [["--env", "NOEQUALS"], /--env NOEQUALS/],
    [["--accel", "hvf"], /--accel hvf/],
    [["--name", "../x"], /--name \.\.\/x/],
  ] as const) {
    const result = await mpm(["run", image, ...args], { env: { MPM_ROOT: dir } });
    assert.equal(result.status, 2, args.join(" "));
    assert.match(result.stderr, pattern);
  }
});

test("ps, logs and stop of unknown guests", async (t) => {
  const dir = tempDir(t);
  const ps = await mpm(["ps"], { env: { MPM_ROOT: dir } });
  assert.equal(ps.status, 0);
  assert.equal(ps.stdout, "NAME  PID  PACKAGE  PORTS  UP\n");
  for (const command of ["logs", "stop"]) {
    const result = await mpm([command, "ghost"], { env: { MPM_ROOT: dir } });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /MPM_E_GUEST_NOT_FOUND: no running guest named ghost/);
  }
});

test("mpm test refuses a package without an executable test hook", async (t) => {
  const dir = tempDir(t);
  const result = await mpm(["test", dir], { env: { MPM_ROOT: dir } });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /MPM_E_TEST_HOOK_MISSING: .*meta\/hooks\/test does not exist/);
});
