import assert from "node:assert/strict";
import { readdir, readFile, readlink, stat, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { craftArchive } from "../../test/helpers/craft-archive.ts";
import { makePackage, tempDir, writeTree } from "../../test/helpers/package-fixture.ts";
import { loadPackage } from "../package/load-package.ts";
import { extractMpm } from "./extract-mpm.ts";
import { writeMpm } from "./write-mpm.ts";

test("a built .mpm is reproducible and extracts to the same package with checksums verified", async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const src = await makePackage(dir, {
    name: "app",
    files: { "usr/bin/run": { text: "#!/bin/sh\n", mode: 0o755 }, "etc/app.conf": "x=1\n" },
  });
  const pkg = await loadPackage(src);
  const a = await writeMpm(src, pkg.files, path.join(dir, "a.mpm"));
  await new Promise((r) => setTimeout(r, 20));
  await writeFile(path.join(src, "etc/app.conf"), "x=1\n"); // new mtime, same bytes
  const b = await writeMpm(src, (await loadPackage(src)).files, path.join(dir, "b.mpm"));
  assert.equal(a.sha256, b.sha256);
  const out = path.join(dir, "out");
  const result = await extractMpm(a.file, out);
  assert.equal(result.checksummed, true);
  const again = await loadPackage(out);
  assert.equal(again.manifest.name, "app");
  assert.deepEqual(
    again.files.map((f) => f.path),
    ["/etc", "/etc/app.conf", "/usr", "/usr/bin", "/usr/bin/run"],
  );
  assert.equal((await stat(path.join(out, "usr/bin/run"))).mode & 0o777, 0o755);
  assert.match(await readFile(path.join(out, "meta/SHA256SUMS"), "utf8"), /^[0-9a-f]{64} {2}etc\/app.conf$/m);
});

const hostile: Array<[string, Parameters<typeof craftArchive>[1], string]> = [
  ["an absolute entry", [{ name: "/etc/passwd", body: "x" }], "MPM_E_ARCHIVE_UNSAFE"],
  ["a .. entry", [{ name: "usr/../../evil", body: "x" }], "MPM_E_ARCHIVE_UNSAFE"],
  [
    "a symlink escaping the root",
    [{ name: "usr/lib/x", type: "symlink", linkname: "../../../etc/passwd" }],
    "MPM_E_ARCHIVE_UNSAFE",
  ],
  [
    "an entry through a symlink",
    [
      { name: "lib", type: "symlink", linkname: "/" },
      { name: "lib/x", body: "x" },
    ],
    "MPM_E_ARCHIVE_UNSAFE",
  ],
  [
    "a hard link",
    [
      { name: "a", body: "x" },
      { name: "b", type: "link", linkname: "a" },
    ],
    "MPM_E_ARCHIVE_CORRUPT",
  ],
  [
    "a duplicate entry",
    [
      { name: "a", body: "x" },
      { name: "a", body: "y" },
    ],
    "MPM_E_ARCHIVE_CORRUPT",
  ],
  [
    "a checksum mismatch",
    [
      { name: "meta/SHA256SUMS", body: `${"0".repeat(64)}  a\n` },
      { name: "a", body: "x" },
    ],
    "MPM_E_ARCHIVE_CHECKSUM",
  ],
];

for (const [what, entries, code] of hostile) {
  test(`extraction refuses ${what} and leaves nothing behind`, async (t) => {
    const { dir, cleanup } = await tempDir();
    t.after(cleanup);
    const file = path.join(dir, "bad.mpm");
    await craftArchive(file, entries);
    const out = path.join(dir, "out");
    await assert.rejects(extractMpm(file, out), (err: Error & { code?: string }) => err.code === code);
    assert.deepEqual((await readdir(dir)).sort(), ["bad.mpm"]);
  });
}

test("a symlink with an absolute guest target is kept as a link", async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const file = path.join(dir, "ok.mpm");
  await craftArchive(file, [{ name: "usr/lib/libz.so", type: "symlink", linkname: "/usr/lib/libz.so.1" }]);
  await extractMpm(file, path.join(dir, "out"));
  assert.equal(await readlink(path.join(dir, "out/usr/lib/libz.so")), "/usr/lib/libz.so.1");
});

test("a truncated archive and a non-gzip file are clear errors", async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const src = await makePackage(dir, {
    name: "big",
    files: { "data.bin": { text: Buffer.alloc(300_000, 7), mode: 0o644 } },
  });
  const built = await writeMpm(src, (await loadPackage(src)).files, path.join(dir, "big.mpm"));
  await truncate(built.file, Math.floor(built.size / 2));
  await assert.rejects(
    extractMpm(built.file, path.join(dir, "o1")),
    (err: Error & { code?: string }) => err.code === "MPM_E_ARCHIVE_CORRUPT",
  );
  await writeTree(dir, { "plain.mpm": "just text" });
  await assert.rejects(
    extractMpm(path.join(dir, "plain.mpm"), path.join(dir, "o2")),
    (err: Error & { code?: string }) => err.code === "MPM_E_ARCHIVE_NOT_GZIP",
  );
  await writeFile(
    path.join(dir, "gz.mpm"),
    gzipSync(Buffer.from("not a tar at all, but long enough ".repeat(40))),
  );
  await assert.rejects(
    extractMpm(path.join(dir, "gz.mpm"), path.join(dir, "o3")),
    (err: Error & { code?: string }) => err.code === "MPM_E_ARCHIVE_CORRUPT",
  );
});
