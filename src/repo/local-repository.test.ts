import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { makePackage, tempDir } from "../../test/helpers/package-fixture.ts";
import { writeMpm } from "../archive/write-mpm.ts";
import { loadPackage } from "../package/load-package.ts";
import { resolveDependencies } from "../resolve/resolve-dependencies.ts";
import { openLocalRepository } from "./local-repository.ts";

async function build(dir: string, options: Parameters<typeof makePackage>[1]): Promise<string> {
  const src = await makePackage(dir, options);
  const pkg = await loadPackage(src);
  return (await writeMpm(src, pkg.files, path.join(dir, `${options.name}-${options.version ?? "1.0.0"}.mpm`)))
    .file;
}

test("install, list, find, load, resolve and remove", async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const repo = await openLocalRepository({ root: path.join(dir, "root") });
  await repo.install(await build(dir, { name: "lib", version: "1.0.0" }));
  await repo.install(await build(dir, { name: "lib", version: "1.4.0" }));
  const app = await repo.install(await build(dir, { name: "app", version: "2.0.0", require: ["lib@^1.2"] }));
  assert.deepEqual(
    (await repo.list()).map((p) => `${p.name}@${p.version}`),
    ["app@2.0.0", "lib@1.0.0", "lib@1.4.0"],
  );
  assert.equal((await repo.find("lib"))?.version, "1.4.0");
  assert.equal((await repo.find("lib", "~1.0"))?.version, "1.0.0");
  assert.equal(await repo.find("lib", "^2"), undefined);
  const loaded = await repo.load(app);
  assert.equal(loaded.manifest.name, "app");
  assert.deepEqual(
    loaded.files.map((f) => f.path),
    ["/usr", "/usr/share", "/usr/share/app", "/usr/share/app/data.txt"],
  );
  const order = await resolveDependencies([{ name: "app", range: "*" }], repo);
  assert.deepEqual(
    order.map((p) => `${p.name}@${p.version}`),
    ["lib@1.4.0", "app@2.0.0"],
  );

  await repo.remove("lib", { version: "1.0.0" });
  await assert.rejects(
    repo.remove("lib"),
    (err: Error & { code?: string }) => err.code === "MPM_E_REPO_IN_USE" && /app 2\.0\.0/.test(err.message),
  );
  await repo.remove("app");
  await repo.remove("lib");
  assert.deepEqual(await repo.list(), []);
  assert.deepEqual(await readdir(path.join(repo.root, "store")), []);
  await assert.rejects(
    repo.get("app"),
    (err: Error & { code?: string }) => err.code === "MPM_E_REPO_NOT_INSTALLED",
  );
});

test("reinstalling the same version replaces it; a bad archive changes nothing", async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const repo = await openLocalRepository({ root: path.join(dir, "root") });
  const first = await repo.install(await build(dir, { name: "x", version: "1.0.0" }));
  const other = path.join(dir, "other");
  const second = await repo.install(
    await build(other, { name: "x", version: "1.0.0", files: { "new.txt": "new\n" } }),
  );
  assert.notEqual(first.sha256, second.sha256);
  assert.deepEqual(
    (await repo.list()).map((p) => p.sha256),
    [second.sha256],
  );
  assert.deepEqual(await readdir(path.join(repo.root, "store")), [second.sha256]);
  await assert.rejects(
    repo.install(path.join(dir, "x-1.0.0", "meta", "package.yaml")),
    (err: Error & { code?: string }) => err.code === "MPM_E_ARCHIVE_NOT_GZIP",
  );
  assert.deepEqual(
    (await repo.list()).map((p) => p.sha256),
    [second.sha256],
  );
});
