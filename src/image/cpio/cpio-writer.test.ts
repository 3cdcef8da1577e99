import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import type { FileTree } from "../tree/file-tree.ts";
import { writeCpio } from "./cpio-writer.ts";

/** Minimal newc reader for the test: name, mode, data of every record. */
function readCpio(buf: Buffer): Array<{ name: string; mode: number; data: Buffer }> {
  const out: Array<{ name: string; mode: number; data: Buffer }> = [];
  let pos = 0;
  const align = (n: number) => (n + 3) & ~3;
  while (pos < buf.length) {
    assert.equal(buf.toString("ascii", pos, pos + 6), "070701", `magic at ${pos}`);
    const field = (i: number) =>
      Number.parseInt(buf.toString("ascii", pos + 6 + i * 8, pos + 14 + i * 8), 16);
    const mode = field(1);
    const size = field(6);
    const nameSize = field(11);
    const name = buf.toString("utf8", pos + 110, pos + 110 + nameSize - 1);
    const dataStart = align(pos + 110 + nameSize);
    out.push({ name, mode, data: buf.subarray(dataStart, dataStart + size) });
    pos = align(dataStart + size);
    if (name === "TRAILER!!!") break;
  }
  assert.equal(pos, buf.length, "nothing after the trailer");
  return out;
}

const tree: FileTree = new Map([
  ["/usr/bin/app", { type: "file", mode: 0o755, data: Buffer.from("#!/bin/sh\necho hi\n") }],
  ["/etc/empty", { type: "file", mode: 0o600, data: Buffer.alloc(0) }],
  ["/bin/sh", { type: "symlink", target: "/bin/busybox" }],
  ["/tmp", { type: "dir", mode: 0o1777 }],
]);

test("newc records carry names, modes, data and implied parent directories, parents first", () => {
  const records = readCpio(writeCpio(tree));
  assert.deepEqual(
    records.map((r) => r.name),
    ["bin", "bin/sh", "etc", "etc/empty", "tmp", "usr", "usr/bin", "usr/bin/app", "TRAILER!!!"],
  );
  const byName = new Map(records.map((r) => [r.name, r]));
  assert.equal(byName.get("usr/bin/app")!.mode, 0o100755);
  assert.equal(byName.get("usr/bin/app")!.data.toString(), "#!/bin/sh\necho hi\n");
  assert.equal(byName.get("bin/sh")!.mode, 0o120777);
  assert.equal(byName.get("bin/sh")!.data.toString(), "/bin/busybox");
  assert.equal(byName.get("tmp")!.mode, 0o41777);
  assert.equal(byName.get("usr")!.mode, 0o40755);
  assert.equal(byName.get("etc/empty")!.data.length, 0);
});

test("the same tree always gives the same bytes", () => {
  assert.deepEqual(writeCpio(tree), writeCpio(new Map([...tree].reverse())));
});

test("busybox cpio lists and extracts what we wrote", () => {
  const listing = execFileSync("busybox", ["cpio", "-it"], { input: writeCpio(tree) }).toString();
  assert.deepEqual(listing.trim().split("\n").sort(), [
    "bin",
    "bin/sh",
    "etc",
    "etc/empty",
    "tmp",
    "usr",
    "usr/bin",
    "usr/bin/app",
  ]);
});
