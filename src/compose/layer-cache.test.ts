import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { writeCpio } from "../image/cpio/cpio-writer.ts";
import type { FileTree } from "../image/tree/file-tree.ts";
import { layerFor, minMemoryMiB, treeHash } from "./layer-cache.ts";

const tree = (content: string): FileTree =>
  new Map([["/app/main", { type: "file", mode: 0o755, data: Buffer.from(content) }]]);

test("the hash changes with content and mode, not with insertion order", () => {
  assert.equal(treeHash(tree("a")), treeHash(tree("a")));
  assert.notEqual(treeHash(tree("a")), treeHash(tree("b")));
  const other: FileTree = new Map([["/app/main", { type: "file", mode: 0o644, data: Buffer.from("a") }]]);
  assert.notEqual(treeHash(tree("a")), treeHash(other));
});

test("a layer is compressed once and then served from the cache", async () => {
  const cache = await mkdtemp(join(tmpdir(), "mpm-layer-"));
  try {
    const first = await layerFor(tree("hello"), cache);
    const second = await layerFor(tree("hello"), cache);
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    assert.deepEqual(second.data, first.data);
    assert.deepEqual(gunzipSync(first.data), writeCpio(tree("hello")));
    assert.equal(first.rawBytes, writeCpio(tree("hello")).length);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

test("guest memory covers unpacked plus compressed initramfs plus headroom", () => {
  assert.equal(minMemoryMiB(3e6, 1.2e6), 224);
  assert.equal(minMemoryMiB(0, 0), 224);
  // The Node.js app: 117 MB unpacked, 45 MB compressed failed at 320 MB and booted at 384 MB.
  assert.equal(minMemoryMiB(116.6e6, 45e6), 384);
  // A large uncompressed payload is bound by the rootfs tmpfs (half of RAM).
  assert.ok(minMemoryMiB(400e6, 0) >= (2 * 400e6) / 2 ** 20);
});
