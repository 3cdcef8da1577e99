import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { makeElf } from "../../test/helpers/make-elf.ts";
import { tempDir } from "../../test/helpers/package-fixture.ts";
import { ElfFormatError, EM_X86_64, readElf } from "./read-elf.ts";

test("reads type, PIE flag, DT_NEEDED, SONAME and RUNPATH", async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const file = path.join(dir, "app");
  await writeFile(
    file,
    makeElf({ type: "shared", pie: true, needed: ["libfoo.so.1", "libc.so.6"], runpath: "$ORIGIN/../lib" }),
  );
  const info = await readElf(file);
  assert.equal(info.machine, EM_X86_64);
  assert.equal(info.type, "shared");
  assert.equal(info.pie, true);
  assert.deepEqual(info.needed, ["libfoo.so.1", "libc.so.6"]);
  assert.deepEqual(info.runpath, ["$ORIGIN/../lib"]);
  const lib = path.join(dir, "libfoo.so.1");
  await writeFile(lib, makeElf({ type: "shared", needed: [], soname: "libfoo.so.1" }));
  assert.equal((await readElf(lib)).soname, "libfoo.so.1");
  assert.equal((await readElf(lib)).pie, false);
});

test("a static non-PIE executable has no dynamic section", async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const file = path.join(dir, "static");
  await writeFile(file, makeElf({ type: "executable" }));
  const info = await readElf(file);
  assert.equal(info.type, "executable");
  assert.equal(info.isStatic, true);
});

test("a truncated ELF is a format error, not a crash", async (t) => {
  const { dir, cleanup } = await tempDir();
  t.after(cleanup);
  const file = path.join(dir, "cut");
  await writeFile(file, makeElf({ type: "shared", needed: ["libx.so"] }).subarray(0, 80));
  await assert.rejects(readElf(file), ElfFormatError);
});

test("the host's own /bin/ls parses as a PIE needing libc", { skip: !existsSync("/bin/ls") }, async () => {
  const info = await readElf("/bin/ls");
  assert.equal(info.type, "shared");
  assert.equal(info.pie, true);
  assert.ok(info.needed.includes("libc.so.6"));
});
