/** qcow2 files start with "QFI\xfb" (QEMU's qcow2 spec, header field `magic`). */
const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);

export type DiskFormat = "qcow2" | "raw";

/** How many leading bytes `detectDiskFormat` and `qcow2VirtualSize` need. */
export const HEADER_BYTES = 32;

/** Glance stores whatever it is told, so mpm decides the disk_format from the bytes themselves. */
export function detectDiskFormat(header: Buffer): DiskFormat {
  return header.subarray(0, 4).equals(QCOW2_MAGIC) ? "qcow2" : "raw";
}

/** The guest-visible disk size of a qcow2 image: big-endian u64 at offset 24 of the header. */
export function qcow2VirtualSize(header: Buffer): number {
  return Number(header.readBigUInt64BE(24));
}
