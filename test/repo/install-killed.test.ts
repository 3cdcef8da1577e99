import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { writeMpm } from "../../src/archive/write-mpm.ts";
import { loadPackage } from "../../src/package/load-package.ts";
import { openLocalRepository } from "../../src/repo/local-repository.ts";
import { makePackage, tempDir } from "../helpers/package-fixture.ts";
import { MPM_BIN } from "../helpers/run-mpm.ts";

/** Starts `mpm install`, waits until `when()` is true (or the process ends), then SIGKILLs it. */
async function installAndKill(
  file: string,
  root: string,
  when: () => Promise<boolean>,
): Promise<"killed" | "finished"> {
  const child = spawn(MPM_BIN, ["install", file], {
    env: { ...process.env, MPM_ROOT: root },
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let outcome: "killed" | "finished" = "finished";
  const deadline = Date.now() + 120_000;
  while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
    if (await when()) {
      child.kill("SIGKILL");
      outcome = "killed";
      break;
    }
    await sleep(5);
  }
  if (child.exitCode === null && child.signalCode === null && outcome === "finished") child.kill("SIGKILL");
  await exited;
  return outcome;
}

async function assertRepositoryValid(root: string, mustHave: string[]): Promise<string[]> {
  const repo = await openLocalRepository({ root });
  const installed = await repo.list();
  for (const pkg of installed) {
    const loaded = await repo.load(pkg);
    assert.equal(loaded.manifest.name, pkg.name);
  }
  const names = installed.map((p) => p.name);
  for (const name of mustHave) assert.ok(names.includes(name), `${name} lost after a kill`);
  return names;
}

test("a process killed at any point of an install leaves the repository valid", async (t) => {
  const { dir, cleanup } = await tempDir("mpm-kill-");
  t.after(cleanup);
  const root = path.join(dir, "root");
  const small = await makePackage(dir, { name: "keep", version: "1.0.0" });
  const repo = await openLocalRepository({ root });
  await repo.install(
    (await writeMpm(small, (await loadPackage(small)).files, path.join(dir, "keep.mpm"))).file,
  );
  // Incompressible content so extraction takes long enough to be interrupted (24 MiB ≈ 0.3–1 s here).
  const big = await makePackage(dir, {
    name: "big",
    version: "1.0.0",
    files: Object.fromEntries(
      [0, 1, 2].map((i) => [`data/blob${i}`, { text: randomBytes(8 << 20), mode: 0o644 }]),
    ),
  });
  const bigMpm = (await writeMpm(big, (await loadPackage(big)).files, path.join(dir, "big.mpm"))).file;
  const store = path.join(root, "store");
  const extracting = async () => (await readdir(store)).some((n) => n.includes(".part-"));
  assert.equal(
    await installAndKill(bigMpm, root, extracting),
    "killed",
    "the install was never caught mid-extraction",
  );
  await assertRepositoryValid(root, ["keep"]);
  for (const delayMs of [100, 300, 500, 700, 900, 1200]) {
    const started = Date.now();
    await installAndKill(bigMpm, root, async () => Date.now() - started >= delayMs);
    await assertRepositoryValid(root, ["keep"]);
  }
  const finished = await installAndKill(bigMpm, root, async () => false);
  assert.equal(finished, "finished");
  assert.deepEqual((await assertRepositoryValid(root, ["keep", "big"])).sort(), ["big", "keep"]);
  const live = (await repo.list()).map((p) => p.sha256).sort();
  assert.deepEqual(
    (await readdir(store)).sort(),
    live,
    "store holds only installed packages after the next write",
  );
});
