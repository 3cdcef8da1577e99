import assert from "node:assert/strict";
import { test } from "node:test";
import { isMpmError } from "../../errors/mpm-error.ts";
import type { FileTree } from "../tree/file-tree.ts";
import { readRofs, readRofsSuperblock } from "./rofs-reader.ts";
import { writeRofs } from "./rofs-writer.ts";

// The example of OSv's format notes: /a.txt (6 B), /sub/b.bin (600 B), /empty, /link -> /a.txt, /dir.
const tree: FileTree = new Map([
  ["/a.txt", { type: "file", mode: 0o644, data: Buffer.from("hello\n") }],
  ["/sub/b.bin", { type: "file", mode: 0o644, data: Buffer.alloc(600, 0xab) }],
  ["/empty", { type: "file", mode: 0o644, data: Buffer.alloc(0) }],
  ["/link", { type: "symlink", target: "/a.txt" }],
  ["/dir", { type: "dir", mode: 0o755 }],
]);

test("superblock, data blocks and tables are where OSv reads them", () => {
  const image = writeRofs(tree);
  // Block 0 superblock, a.txt in block 1, b.bin in blocks 2-3, structure from block 4.
  assert.equal(image.length, 5 * 512);
  assert.deepEqual([...image.subarray(0, 8)], [0xad, 0xbe, 0xad, 0xde, 0, 0, 0, 0]);
  assert.deepEqual(readRofsSuperblock(image), {
    structureFirstBlock: 4,
    structureBlocks: 1,
    directoryEntries: 6,
    symlinks: 1,
    inodes: 7,
  });
  assert.equal(image.toString("utf8", 512, 518), "hello\n");
  assert.equal(image[1024], 0xab);
  // Directory entries: sub's own entry first (children before parents), then root's, names sorted.
  const structure = image.subarray(4 * 512);
  const names: string[] = [];
  let pos = 0;
  for (let i = 0; i < 6; i++) {
    const length = structure.readUInt16LE(pos + 8);
    names.push(
      `${structure.toString("utf8", pos + 10, pos + 10 + length)}->${structure.readBigUInt64LE(pos)}`,
    );
    pos += 10 + length;
  }
  assert.deepEqual(names, ["b.bin->7", "a.txt->2", "dir->3", "empty->4", "link->5", "sub->6"]);
  // Symlink table, then 32-byte inodes: root is inode 1, a directory of 5 entries starting at entry 1.
  assert.equal(structure.readUInt16LE(pos), 6);
  assert.equal(structure.toString("utf8", pos + 2, pos + 8), "/a.txt");
  const inodes = pos + 8;
  const inode = (n: number) =>
    [0, 8, 16, 24].map((o) => Number(structure.readBigUInt64LE(inodes + (n - 1) * 32 + o)));
  assert.deepEqual(inode(1), [0x4000, 1, 1, 5]);
  assert.deepEqual(inode(2), [0x8000, 2, 1, 6]);
  assert.deepEqual(inode(5), [0xa000, 5, 0, 1]);
  assert.deepEqual(inode(6), [0x4000, 6, 0, 1]);
  assert.deepEqual(inode(7), [0x8000, 7, 2, 600]);
});

test("what the writer writes, the reader reads back", () => {
  const back = readRofs(writeRofs(tree));
  assert.deepEqual([...back.keys()].sort(), ["/a.txt", "/dir", "/empty", "/link", "/sub", "/sub/b.bin"]);
  const file = back.get("/sub/b.bin");
  assert.ok(file?.type === "file");
  assert.deepEqual(Buffer.from(file.data), Buffer.alloc(600, 0xab));
  assert.deepEqual(back.get("/link"), { type: "symlink", target: "/a.txt" });
  assert.equal(back.get("/dir")?.type, "dir");
});

test("an empty tree is a valid filesystem with just the root", () => {
  const image = writeRofs(new Map());
  assert.equal(readRofsSuperblock(image).inodes, 1);
  assert.equal(readRofs(image).size, 0);
});

test("damaged images are refused with MPM_E_ROFS_INVALID", () => {
  const image = writeRofs(tree);
  const badMagic = Buffer.from(image);
  badMagic[0] = 0;
  assert.throws(
    () => readRofs(badMagic),
    (e) => isMpmError(e) && e.code === "MPM_E_ROFS_INVALID",
  );
  assert.throws(
    () => readRofs(image.subarray(0, 4 * 512)),
    (e) => isMpmError(e) && /beyond the end/.test(e.message),
  );
});
