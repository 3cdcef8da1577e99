import assert from "node:assert/strict";
import { test } from "node:test";
import type { ComposedImage } from "../../image/composed-image.ts";
import { imageTable } from "../commands/image-table.ts";
import type { GlanceImage } from "../glance/glance-image.ts";
import { detectDiskFormat, qcow2VirtualSize } from "./disk-format.ts";
import { defaultImageName, imageFields } from "./image-properties.ts";
import type { LocalImage } from "./local-image.ts";
import { chooseMethod } from "./upload-image.ts";

test("disk format comes from the qcow2 magic, virtual size from its header", () => {
  const header = Buffer.alloc(32);
  header.write("QFI\xfb", 0, "latin1");
  header.writeBigUInt64BE(3n << 30n, 24);
  assert.equal(detectDiskFormat(header), "qcow2");
  assert.equal(qcow2VirtualSize(header), 3 * 1024 ** 3);
  assert.equal(detectDiskFormat(Buffer.from("\xeb\x63\x90 boot sector".padEnd(32), "latin1")), "raw");
});

test("glance-direct when advertised, PUT otherwise, and an explicit choice wins", () => {
  assert.equal(chooseMethod("auto", ["glance-direct", "web-download"]), "glance-direct");
  assert.equal(chooseMethod("auto", ["web-download"]), "put");
  assert.equal(chooseMethod("auto", []), "put");
  assert.equal(chooseMethod("put", ["glance-direct"]), "put");
});

const composed: ComposedImage = {
  schema: 1,
  format: "raw",
  path: "/img/memcached.img",
  package: { name: "memcached", version: "1.6.18" },
  packages: Array.from({ length: 40 }, (_, i) => ({ name: `dependency-number-${i}`, version: "1.0.0" })),
  bootConfig: undefined,
  command: "/usr/bin/memcached",
  env: {},
  kernel: undefined,
  kernelArgs: undefined,
  minMemoryMiB: 96,
  ports: [],
  sizeBytes: 1,
  sha256: "ab".repeat(32),
};
const local: LocalImage = {
  path: "/img/memcached.img",
  size: 1,
  diskFormat: "raw",
  virtualSize: 1024 ** 3 + 1,
  md5: "",
  sha512: "",
  composed,
};

test("fields describe the guest in strings Glance accepts", () => {
  const fields = imageFields(local, { name: "mc", visibility: "community", arch: "arm64" });
  assert.equal(fields["min_disk"], 2, "1 GiB + 1 byte needs a 2 GiB disk");
  assert.equal(fields["min_ram"], 96);
  assert.equal(fields["architecture"], "aarch64");
  assert.equal(fields["disk_format"], "raw");
  assert.equal(fields["mpm_format"], "raw");
  assert.equal((fields["mpm_packages"] as string).length, 255);
  assert.equal(fields["mpm_boot_config"], undefined);
  for (const [key, value] of Object.entries(fields)) {
    if (key.startsWith("mpm_") || ["os_type", "architecture", "hypervisor_type"].includes(key))
      assert.equal(typeof value, "string");
  }
  assert.equal(defaultImageName(local), "memcached-1.6.18");
  assert.equal(defaultImageName({ ...local, composed: undefined, path: "/x/disk.qcow2" }), "disk");
  const bare = imageFields(
    { ...local, composed: undefined },
    { name: "d", visibility: "private", arch: "x64" },
  );
  assert.equal(bare["mpm_package"], undefined);
  assert.equal(bare["architecture"], "x86_64");
});

test("the image table shows our properties and marks protected images", () => {
  const image = {
    id: "id-1",
    name: "mc",
    status: "active",
    protected: true,
    disk_format: "qcow2",
    size: 2 * 1024 * 1024,
    min_ram: 96,
    visibility: "public",
    mpm_package: "memcached",
    mpm_version: "1.6.18",
    mpm_format: "qcow2",
  } as unknown as GlanceImage;
  const [head, row] = imageTable([image]).split("\n");
  assert.match(head!, /^NAME\s+ID\s+STATUS\s+DISK\s+SIZE\s+MIN RAM\s+PACKAGE\s+FORMAT\s+VISIBILITY$/);
  assert.match(
    row!,
    /^mc\s+id-1\s+active \(protected\)\s+qcow2\s+2\.0 MiB\s+96 MiB\s+memcached@1\.6\.18\s+qcow2\s+public$/,
  );
});
