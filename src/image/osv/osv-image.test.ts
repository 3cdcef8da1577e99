import assert from "node:assert/strict";
import { test } from "node:test";
import { isMpmError } from "../../errors/mpm-error.ts";
import { readRofs } from "../rofs/rofs-reader.ts";
import { writeRofs } from "../rofs/rofs-writer.ts";
import { OSV_CMDLINE_MAX, osvImage, readOsvImage } from "./osv-image.ts";

/** Stands in for OSv's loader.img: boot sector with 55 AA and the "VSO" signature, 'K' bytes as kernel. */
function fakeLoader(size = 3 * 1024 * 1024 + 5): Buffer {
  const loader = Buffer.alloc(size, 0x4b);
  loader.fill(0, 0, 512);
  loader.write("VSO", 0x1b8, "latin1");
  loader[510] = 0x55;
  loader[511] = 0xaa;
  loader.fill(0x63, 512, 2048); // a previous command line area that must be cleared
  return loader;
}

const fs = writeRofs(new Map([["/hello", { type: "file", mode: 0o755, data: Buffer.from("hi") }]]));

test("command line at byte 512, NUL-terminated, zeroed to the sector end; kernel bytes untouched", () => {
  const { chunks } = osvImage({
    loader: fakeLoader(),
    commandLine: "runscript /run/default;",
    filesystem: fs,
  });
  const image = Buffer.concat(chunks);
  assert.equal(image.toString("latin1", 512, 535), "runscript /run/default;");
  assert.equal(image[535], 0);
  assert.ok(image.subarray(535, 1024).every((b) => b === 0));
  assert.equal(image[1024], 0x63, "beyond the command line's sector the loader is unchanged");
  assert.equal(image[65536], 0x4b);
  assert.equal(image.toString("latin1", 0x1b8, 0x1bb), "VSO");
  assert.deepEqual([image[510], image[511]], [0x55, 0xaa]);
});

test("the filesystem is partition entry 2 (0x1CE), type 0x83, at the loader size rounded up to 2 MiB", () => {
  const { chunks, layout } = osvImage({ loader: fakeLoader(), commandLine: "x", filesystem: fs });
  const image = Buffer.concat(chunks);
  assert.equal(layout.partitionStart, 4 * 1024 * 1024);
  assert.equal(image[0x1ce + 4], 0x83);
  assert.equal(image.readUInt32LE(0x1ce + 8), (4 * 1024 * 1024) / 512);
  assert.equal(image.readUInt32LE(0x1ce + 12), fs.length / 512);
  assert.ok(
    image.subarray(0x1be, 0x1ce).every((b) => b === 0),
    "entry 1 stays empty",
  );
  assert.deepEqual(readOsvImage(image), {
    commandLine: "x",
    partitionStart: 4 * 2 ** 20,
    partitionSize: fs.length,
  });
  const back = readRofs(image.subarray(layout.partitionStart, layout.partitionStart + layout.partitionSize));
  assert.deepEqual(back.get("/hello"), { type: "file", mode: 0o555, data: Buffer.from("hi") });
});

test("1023 characters fit; 1024 are refused with MPM_E_OSV_CMDLINE_TOO_LONG", () => {
  osvImage({ loader: fakeLoader(), commandLine: "a".repeat(OSV_CMDLINE_MAX), filesystem: fs });
  assert.throws(
    () => osvImage({ loader: fakeLoader(), commandLine: "a".repeat(OSV_CMDLINE_MAX + 1), filesystem: fs }),
    (e) =>
      isMpmError(e) && e.code === "MPM_E_OSV_CMDLINE_TOO_LONG" && /1024 bytes.*at most 1023/.test(e.message),
  );
});

test("--size below loader plus filesystem is refused; above it sets the total size", () => {
  assert.throws(
    () => osvImage({ loader: fakeLoader(), commandLine: "x", filesystem: fs, size: 4 * 2 ** 20 }),
    (e) => isMpmError(e) && e.code === "MPM_E_COMPOSE_TOO_SMALL",
  );
  assert.equal(
    osvImage({ loader: fakeLoader(), commandLine: "x", filesystem: fs, size: 2 ** 30 }).layout.totalSize,
    2 ** 30,
  );
});

test("a file that is no OSv loader is refused", () => {
  assert.throws(
    () => osvImage({ loader: Buffer.alloc(100000), commandLine: "x", filesystem: fs }),
    (e) => isMpmError(e) && e.code === "MPM_E_OSV_LOADER",
  );
});
