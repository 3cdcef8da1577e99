import assert from "node:assert/strict";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { writeMpm } from "../../src/archive/write-mpm.ts";
import { loadPackage } from "../../src/package/load-package.ts";
import { makePackage, tempDir } from "../helpers/package-fixture.ts";
import { runMpm } from "../helpers/run-mpm.ts";
import { closedPort, serveFolder } from "../helpers/static-server.ts";

async function buildInto(
  work: string,
  folder: string,
  options: Parameters<typeof makePackage>[1],
): Promise<string> {
  const src = await makePackage(path.join(work, "src", `${options.name}-${options.version}`), options);
  const out = path.join(folder, `${options.name}-${options.version ?? "1.0.0"}.mpm`);
  await writeMpm(src, (await loadPackage(src)).files, out);
  return out;
}

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const { dir, cleanup } = await tempDir("mpm-remote-");
  const folder = path.join(dir, "served");
  await mkdir(folder);
  const server = await serveFolder(folder);
  t.after(async () => {
    await server.close();
    await cleanup();
  });
  const root = path.join(dir, "root");
  const mpm = (...args: string[]) => runMpm(args, { cwd: dir, root });
  return { dir, folder, server, root, mpm };
}

test("index a folder, serve it, search it and pull a package with its dependencies", async (t) => {
  const { dir, folder, server, mpm } = await setup(t);
  await buildInto(dir, folder, { name: "lib.tls", version: "1.0.0" });
  await buildInto(dir, folder, { name: "lib.tls", version: "1.1.0" });
  await buildInto(dir, folder, { name: "lib.tls", version: "2.0.0" });
  await buildInto(dir, folder, { name: "lib.log", version: "0.3.0" });
  await buildInto(dir, folder, { name: "web.server", version: "1.0.0", require: ["lib.tls@^1", "lib.log"] });
  const indexed = await mpm("repo", "index", folder);
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.match(indexed.stdout, /indexed 5 package/);
  const index = JSON.parse(await readFile(path.join(folder, "index.json"), "utf8")) as {
    packages: Array<{ name: string; sha256: string }>;
  };
  assert.deepEqual(
    index.packages.map((p) => p.name),
    ["lib.log", "lib.tls", "lib.tls", "lib.tls", "web.server"],
  );

  assert.equal((await mpm("repo", "add", "main", server.url)).code, 0);
  assert.match((await mpm("repo", "list")).stdout, new RegExp(`^main\\t${server.url}$`, "m"));
  assert.match((await mpm("repo", "add", "main", server.url)).stderr, /MPM_E_REMOTE_EXISTS/);

  const search = await mpm("search", "web");
  assert.equal(search.code, 0);
  assert.match(search.stdout, /web\.server\s+1\.0\.0\s+main/);

  const pull = await mpm("pull", "web.server", "--progress");
  assert.equal(pull.code, 0, pull.stderr);
  assert.equal(pull.stdout, "installed lib.tls 1.1.0\ninstalled lib.log 0.3.0\ninstalled web.server 1.0.0\n");
  assert.match(pull.stderr, /web\.server@1\.0\.0/);
  assert.match((await mpm("list")).stdout, /lib\.tls\s+1\.1\.0/);
  const again = await mpm("pull", "web.server");
  assert.match(again.stdout, /already installed web\.server@1\.0\.0/);
  const describe = await mpm("describe", "web.server");
  assert.match(describe.stdout, /lib\.tls \^1 → 1\.1\.0/);
  const removeDep = await mpm("remove", "lib.tls");
  assert.equal(removeDep.code, 2);
  assert.match(
    removeDep.stderr,
    /MPM_E_REPO_IN_USE: cannot remove lib\.tls: web\.server 1\.0\.0 requires lib\.tls@\^1/,
  );
  assert.equal((await mpm("repo", "remove", "main")).code, 0);
  assert.equal((await mpm("repo", "list")).stdout, "");
});

test("a checksum mismatch on pull installs nothing", async (t) => {
  const { dir, folder, server, mpm } = await setup(t);
  await buildInto(dir, folder, { name: "dep", version: "1.0.0" });
  await buildInto(dir, folder, { name: "app", version: "1.0.0", require: ["dep"] });
  assert.equal((await mpm("repo", "index", folder)).code, 0);
  const other = path.join(dir, "other");
  await mkdir(other);
  const tampered = await buildInto(path.join(dir, "t"), other, {
    name: "app",
    version: "1.0.0",
    require: ["dep"],
    files: { "evil.txt": "changed\n" },
  });
  await copyFile(tampered, path.join(folder, "app-1.0.0.mpm"));
  await mpm("repo", "add", "r", server.url);
  const pull = await mpm("pull", "app");
  assert.equal(pull.code, 1);
  assert.match(
    pull.stderr,
    /MPM_E_REMOTE_CHECKSUM: app@1\.0\.0 .* does not match remote r's index.*nothing was installed/,
  );
  assert.equal((await mpm("list")).stdout, "");
});

test("an unreachable remote is a clear warning and local results are still shown", async (t) => {
  const { dir, folder, mpm } = await setup(t);
  const local = await buildInto(dir, folder, { name: "local.pkg", version: "1.0.0" });
  assert.equal((await mpm("install", local)).code, 0);
  const port = await closedPort();
  await mpm("repo", "add", "down", `http://127.0.0.1:${port}/repo`);
  const search = await mpm("search");
  assert.equal(search.code, 0);
  assert.match(search.stdout, /local\.pkg\s+1\.0\.0\s+local/);
  assert.match(
    search.stderr,
    /warning: MPM_E_REMOTE_UNREACHABLE: remote down \(http:\/\/127\.0\.0\.1:\d+\/repo\/index\.json\) is unreachable: ECONNREFUSED/,
  );
  const pull = await mpm("pull", "missing.pkg");
  assert.equal(pull.code, 2);
  assert.match(pull.stderr, /MPM_E_DEP_NOT_FOUND: package missing\.pkg is not available/);
  assert.match(pull.stderr, /some remotes were unreachable/);
});

test("dependency cycles, unsatisfiable ranges and two versions of one name are named", async (t) => {
  const { dir, folder, server, mpm } = await setup(t);
  await buildInto(dir, folder, { name: "a", version: "1.0.0", require: ["b"] });
  await buildInto(dir, folder, { name: "b", version: "1.0.0", require: ["a"] });
  await buildInto(dir, folder, { name: "z", version: "1.0.0" });
  await buildInto(dir, folder, { name: "z", version: "2.0.0" });
  await buildInto(dir, folder, { name: "old", version: "1.0.0", require: ["z@^3"] });
  await mpm("repo", "index", folder);
  await mpm("repo", "add", "r", server.url);
  const cycle = await mpm("pull", "a");
  assert.match(cycle.stderr, /MPM_E_DEP_CYCLE: dependency cycle: a -> b -> a/);
  const two = await mpm("pull", "z@1", "z@2");
  assert.match(two.stderr, /MPM_E_DEP_CONFLICT: two versions of z are requested/);
  const unsat = await mpm("pull", "old");
  assert.match(
    unsat.stderr,
    /MPM_E_DEP_UNSATISFIABLE: no version of z satisfies \^3 \(required by old@1\.0\.0\); available: 2\.0\.0, 1\.0\.0/,
  );
  assert.equal((await mpm("list")).stdout, "");
});

test("a malformed remote index is reported, not trusted", async (t) => {
  const { folder, server, mpm } = await setup(t);
  await writeFile(
    path.join(folder, "index.json"),
    '{"schema":1,"packages":[{"name":"x","version":"1.0.0","file":"../../etc/passwd","sha256":"00","size":1,"require":[]}]}',
  );
  await mpm("repo", "add", "r", server.url);
  const search = await mpm("search", "x");
  assert.equal(search.code, 0);
  assert.match(search.stderr, /MPM_E_REMOTE_INDEX: .*packages\[0\] is malformed/);
});
