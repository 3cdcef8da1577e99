import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { isMpmError } from "../../errors/mpm-error.ts";
import { extractVmlinux } from "./bzimage.ts";

/** A bzImage-shaped buffer: setup header fields at their boot-protocol offsets, then the payload. */
function fakeBzImage(payload: Buffer): Buffer {
  const setupSects = 3;
  const image = Buffer.alloc((setupSects + 1) * 512 + 16 + payload.length);
  image[0x1f1] = setupSects;
  image.write("HdrS", 0x202, "latin1");
  image.writeUInt32LE(16, 0x248);
  image.writeUInt32LE(payload.length, 0x24c);
  payload.copy(image, (setupSects + 1) * 512 + 16);
  return image;
}

test("the gzip payload of a bzImage is decompressed to the ELF inside", async () => {
  const vmlinux = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(1000, 7)]);
  assert.deepEqual(await extractVmlinux(fakeBzImage(gzipSync(vmlinux)), "k"), vmlinux);
});

test("an ELF vmlinux is used as it is", async () => {
  const vmlinux = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(100)]);
  assert.equal(await extractVmlinux(vmlinux, "k"), vmlinux);
});

test("a file that is no kernel is refused, naming it", async () => {
  await assert.rejects(
    extractVmlinux(Buffer.alloc(4096, 1), "/tmp/not-a-kernel"),
    (e) => isMpmError(e) && e.code === "MPM_E_KERNEL_INVALID" && e.message.includes("/tmp/not-a-kernel"),
  );
});

test("an unknown payload compression is refused", async () => {
  await assert.rejects(
    extractVmlinux(fakeBzImage(Buffer.from("LZMA?????")), "k"),
    (e) => isMpmError(e) && /unsupported compression/.test(e.message),
  );
});
