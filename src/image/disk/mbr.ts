export const SECTOR = 512;

/** CHS of a byte offset as OSv's imgedit.py computes it: 63 sectors/track, 255 heads, clamped at 1023. */
function chs(byteOffset: number): { head: number; cylSec: number } {
  const lba = Math.floor(byteOffset / SECTOR);
  let cyl = Math.floor(lba / (63 * 255));
  let head = Math.floor(lba / 63) % 255;
  let sec = (lba % 63) + 1;
  if (cyl > 1023) {
    cyl = 1023;
    head = 254;
    sec = 63;
  }
  return { head, cylSec: ((cyl & 0x3ff) << 6) | sec };
}

export interface PartitionEntry {
  /** 1..4: the entry in the MBR partition table. */
  readonly index: number;
  /** Byte offset of the partition on the disk (sector aligned). */
  readonly start: number;
  /** Size in bytes (sector aligned). */
  readonly size: number;
  /** System id: 0x83 Linux (OSv's ROFS), 0x0c FAT32 LBA. */
  readonly type: number;
  readonly bootable: boolean;
}

/**
 * Writes one MBR partition entry at 0x1be + (index-1)*16 and the 55 AA signature into `sector0`. The CHS
 * fields use OSv's encoding (the ~cylinder bits in the sector word, as imgedit.py writes them); modern
 * readers use only the LBA fields.
 */
export function writePartitionEntry(sector0: Buffer, entry: PartitionEntry): void {
  const at = 0x1be + (entry.index - 1) * 16;
  const first = chs(entry.start);
  const last = chs(entry.start + entry.size);
  sector0[at] = entry.bootable ? 0x80 : 0;
  sector0[at + 1] = first.head;
  sector0.writeUInt16LE(first.cylSec, at + 2);
  sector0[at + 4] = entry.type;
  sector0[at + 5] = last.head;
  sector0.writeUInt16LE(last.cylSec, at + 6);
  sector0.writeUInt32LE(entry.start / SECTOR, at + 8);
  sector0.writeUInt32LE(entry.size / SECTOR, at + 12);
  sector0[510] = 0x55;
  sector0[511] = 0xaa;
}

/** Reads the LBA fields of an MBR entry back (for tests and for checking a user's loader). */
export function readPartitionEntry(
  sector0: Buffer,
  index: number,
): { type: number; start: number; size: number } {
  const at = 0x1be + (index - 1) * 16;
  return {
    type: sector0[at + 4]!,
    start: sector0.readUInt32LE(at + 8) * SECTOR,
    size: sector0.readUInt32LE(at + 12) * SECTOR,
  };
}
