import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { runBaseFetch } from "../../src/base/commands/base-fetch.ts";
import { mpm, REPO, tempDir } from "./cli.ts";

// Each example is copied, built by its own meta/hooks/build, then checked by `mpm test` against a booted guest.
const TEST_MS = 240_000;

before(async () => {
  await runBaseFetch({ only: ["kernel", "busybox", "node"] });
});

function buildCopy(t: { after: (fn: () => void) => void }, example: string): string {
  const dir = join(tempDir(t, "mpm-example-"), example);
  cpSync(join(REPO, "examples", example), dir, {
    recursive: true,
    // Only the sources: whatever a local build left in the example folder is rebuilt here.
    filter: (source) => !/\/examples\/[^/]+\/(usr|lib|lib64|hello)(\/|$)/.test(source),
  });
  const build = join(dir, "meta", "hooks", "build");
  if (existsSync(build)) execFileSync(build, { env: { ...process.env, MPM_PACKAGE_DIR: dir } });
  return dir;
}

for (const [example, extra, expected] of [
  ["hello-c", [], /hello-c: greeting seen, exit status 0/],
  ["memcached", [], /memcached test: set and got greeting=mpm-\d+ through 127\.0\.0\.1:\d+/],
  // Node's initramfs needs more memory than compose's estimate for it.
  ["node-hello", ["-m", "768"], /node-hello test: hello from test-node-hello-\d+ on node v\d+/],
] as const) {
  test(`examples/${example} passes mpm test`, async (t) => {
    const dir = buildCopy(t, example);
    const root = tempDir(t);
    const result = await mpm(["test", dir, ...extra], { env: { MPM_ROOT: root }, timeoutMs: TEST_MS });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.match(result.stdout, expected);
    assert.match(result.stderr, new RegExp(`mpm: test of ${example} passed`));
    // The guest was stopped and forgotten.
    assert.equal((await mpm(["ps"], { env: { MPM_ROOT: root } })).stdout, "NAME  PID  PACKAGE  PORTS  UP\n");
  });
}

test("a failing test hook fails mpm test with the guest console, and the guest is stopped", async (t) => {
  const dir = buildCopy(t, "memcached");
  const root = tempDir(t);
  execFileSync("sh", [
    "-c",
    `printf '#!/bin/sh\\necho "port $MPM_GUEST_PORT_11211"; exit 3\\n' > "${dir}/meta/hooks/test"`,
  ]);
  const result = await mpm(["test", dir], { env: { MPM_ROOT: root }, timeoutMs: TEST_MS });
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stdout, /port \d+\n/);
  assert.match(result.stdout, /--- guest console \(last \d+ lines\) ---/);
  assert.match(
    result.stderr,
    /MPM_E_TEST_FAILED: .*meta\/hooks\/test failed \(3\) against guest test-memcached-\d+/,
  );
  assert.equal((await mpm(["ps"], { env: { MPM_ROOT: root } })).stdout, "NAME  PID  PACKAGE  PORTS  UP\n");
});
