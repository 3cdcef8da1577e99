import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { runBaseFetch } from "../../src/base/commands/base-fetch.ts";
import { mpm, REPO, tempDir } from "../run/cli.ts";

/** Our memcached as an mpm package (runtime node): built, booted under QEMU and checked by its test hook. */
before(async () => {
  await runBaseFetch({ only: ["kernel", "busybox", "node"] });
});

test("examples/shard-memcached passes mpm test in a guest", { timeout: 360_000 }, async (t) => {
  const dir = join(tempDir(t, "mpm-shard-memcached-"), "shard-memcached");
  cpSync(join(REPO, "examples", "shard-memcached"), dir, {
    recursive: true,
    filter: (source) => !/\/app\/src(\/|$)/.test(source),
  });
  execFileSync(join(dir, "meta", "hooks", "build"), {
    env: { ...process.env, MPM_PACKAGE_DIR: dir, MPM_REPO_DIR: REPO },
  });
  const root = tempDir(t);
  // Node's initramfs plus the TypeScript sources need more memory than compose's estimate.
  const result = await mpm(["test", dir, "-m", "1024"], { env: { MPM_ROOT: root }, timeoutMs: 300_000 });
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /shard-memcached test: set and got greeting=mpm-\d+ on 1 shard\(s\)/);
  assert.match(result.stderr, /mpm: test of shard-memcached passed/);
});
