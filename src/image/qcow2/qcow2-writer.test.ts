import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { planQcow2, qcow2Metadata, writeQcow2FromRaw } from "./qcow2-writer.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "mpm-qcow2-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A sparse raw disk with data at the start, in the middle, past the first L2 table (512 MiB) and at the end. */
async function rawDisk(path: string, size: number): Promise<void> {
  const file = await open(path, "w");
  await file.truncate(size);
  for (const [offset, text] of [
    [0, "boot sector"],
    [3 * 65536 + 100, "middle"],
    [513 * 2 ** 20, "second L2 table"],
    [size - 10, "the end!!"],
  ] as const) {
    await file.write(Buffer.from(text), 0, undefined, offset);
  }
  await file.close();
}

test("qemu-img finds no errors and reads back exactly the raw disk", async () => {
  const raw = join(dir, "disk.raw");
  const qcow2 = join(dir, "disk.qcow2");
  await rawDisk(raw, 520 * 2 ** 20);
  const { sizeBytes } = await writeQcow2FromRaw(raw, qcow2);
  const check = execFileSync("qemu-img", ["check", "-f", "qcow2", qcow2]).toString();
  assert.match(check, /No errors were found/);
  execFileSync("qemu-img", ["compare", "-f", "raw", "-F", "qcow2", raw, qcow2]);
  const info = JSON.parse(execFileSync("qemu-img", ["info", "--output=json", qcow2]).toString());
  assert.equal(info["virtual-size"], 520 * 2 ** 20);
  assert.equal(info["cluster-size"], 65536);
  // Header, refcount table and block, L1, two L2 tables and four data clusters: the rest stays sparse.
  assert.equal(sizeBytes, 10 * 65536);
  assert.equal((await readFile(qcow2)).length, sizeBytes);
});

test("header fields sit at the offsets of the QCOW2 specification", () => {
  const layout = planQcow2(2 ** 30, [0, 9000]);
  const meta = qcow2Metadata(layout);
  assert.equal(meta.readUInt32BE(0), 0x514649fb);
  assert.equal(meta.readUInt32BE(4), 3);
  assert.equal(meta.readUInt32BE(20), 16);
  assert.equal(meta.readBigUInt64BE(24), 2n ** 30n);
  assert.equal(meta.readUInt32BE(36), 2); // 1 GiB / 512 MiB per L2 table
  assert.equal(meta.readBigUInt64BE(48), 65536n); // refcount table right after the header
  assert.equal(meta.readUInt32BE(96), 4);
  assert.equal(meta.readUInt32BE(100), 104);
  // L1 entry 0 points at the first L2 table with the COPIED flag set.
  assert.equal(meta.readBigUInt64BE(layout.l1Offset), BigInt(layout.l2Offsets.get(0)!) | (1n << 63n));
});

test("an all-zero disk has metadata only", () => {
  const layout = planQcow2(64 * 2 ** 20, []);
  assert.equal(layout.dataOffsets.size, 0);
  assert.equal(layout.totalClusters, 4);
});
