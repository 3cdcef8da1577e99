import assert from "node:assert/strict";
import { symlink } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { tempDir, writeTree } from "../../test/helpers/package-fixture.ts";
import { compileCapstanignore, listContentFiles } from "./content-files.ts";

test(".capstanignore follows Capstan's pattern rules", () => {
  const { patterns, invalid } = compileCapstanignore(
    "# comment\n/src\n/build/*\n/**/*.o\n/a/*/c\nrelative\n/meta\n",
  );
  const ignored = (p: string) => patterns.some((re) => re.test(p));
  assert.deepEqual(invalid, [
    { line: 6, pattern: "relative" },
    { line: 7, pattern: "/meta" },
  ]);
  assert.ok(ignored("/src") && ignored("/src/main.c"));
  assert.ok(!ignored("/srcs"));
  assert.ok(ignored("/build/x") && ignored("/build/x/y") && !ignored("/build"));
  assert.ok(ignored("/x.o") && ignored("/deep/er/x.o") && !ignored("/x.oo"));
  assert.ok(ignored("/a/b/c") && !ignored("/a/b/d/c"));
});

test("content excludes meta/, Capstan's always-ignored names and top-level .mpm files, sorted", async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  await writeTree(dir, {
    "meta/package.yaml": "x",
    "mpm-pkg/x": "x",
    ".git/HEAD": "x",
    ".gitignore": "x",
    "old.mpm": "x",
    "usr/lib/keep.mpm": "x",
    "b/file": "x",
    "a/file": "x",
    "src/main.c": "x",
  });
  await symlink("/usr/lib/keep.mpm", path.join(dir, "link"));
  const files = await listContentFiles(dir, compileCapstanignore("/src\n").patterns);
  assert.deepEqual(
    files.map((f) => `${f.type}:${f.path}`),
    [
      "dir:/a",
      "file:/a/file",
      "dir:/b",
      "file:/b/file",
      "symlink:/link",
      "dir:/usr",
      "dir:/usr/lib",
      "file:/usr/lib/keep.mpm",
    ],
  );
  assert.equal(files.find((f) => f.type === "symlink")?.linkTarget, "/usr/lib/keep.mpm");
});
