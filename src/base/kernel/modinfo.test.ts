import assert from "node:assert/strict";
import { test } from "node:test";
import { elfSection, readModInfo } from "./modinfo.ts";

/** Builds an ELF64 LE file with the given sections (plus the null section and .shstrtab). */
function elf(sections: Record<string, Buffer>): Buffer {
  const names = ["", ...Object.keys(sections), ".shstrtab"];
  const shstrtab = Buffer.from(names.join("\0") + "\0", "latin1");
  const bodies = [Buffer.alloc(0), ...Object.values(sections), shstrtab];
  const header = Buffer.alloc(64);
  header.write("\x7fELF", 0, "latin1");
  header[4] = 2;
  header[5] = 1;
  let offset = 64;
  const offsets = bodies.map((b) => {
    const at = offset;
    offset += b.length;
    return at;
  });
  const shoff = offset;
  header.writeBigUInt64LE(BigInt(shoff), 0x28);
  header.writeUInt16LE(64, 0x3a);
  header.writeUInt16LE(names.length, 0x3c);
  header.writeUInt16LE(names.length - 1, 0x3e);
  const table = Buffer.alloc(64 * names.length);
  let nameOffset = 0;
  names.forEach((name, i) => {
    table.writeUInt32LE(nameOffset, i * 64);
    table.writeBigUInt64LE(BigInt(offsets[i]!), i * 64 + 0x18);
    table.writeBigUInt64LE(BigInt(bodies[i]!.length), i * 64 + 0x20);
    nameOffset += name.length + 1;
  });
  return Buffer.concat([header, ...bodies, table]);
}

test("reads name and depends from the .modinfo section", () => {
  const modinfo = Buffer.from(
    "license=GPL\0depends=virtio_ring,virtio,net_failover\0name=virtio_net\0vermagic=6.1\0",
  );
  const ko = elf({ ".text": Buffer.from("code"), ".modinfo": modinfo });
  assert.deepEqual(readModInfo(ko, "virtio_net.ko"), {
    name: "virtio_net",
    depends: ["virtio_ring", "virtio", "net_failover"],
  });
});

test("an empty depends= means no dependencies; the file name is the fallback name", () => {
  const ko = elf({ ".modinfo": Buffer.from("depends=\0") });
  assert.deepEqual(readModInfo(ko, "virtio-rng.ko"), { name: "virtio_rng", depends: [] });
});

test("non-ELF input has no sections", () => {
  assert.equal(elfSection(Buffer.alloc(80, 0x41), ".modinfo"), undefined);
});
