import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { runTool } from "../../base/run-tool.ts";
import { MpmError } from "../../errors/mpm-error.ts";
import { SECTOR, writePartitionEntry } from "./mbr.ts";

const MIB = 1024 * 1024;
/** The partition starts at 1 MiB, the usual alignment. */
export const PARTITION_START = MIB;
/** mkfs.fat makes FAT32 only from ~33 MiB; smaller partitions use FAT16, which syslinux boots as well. */
const FAT32_MIN = 33 * MIB;
/** Boot loader files (ldlinux.sys 59 KB + ldlinux.c32 120 KB), FAT tables and slack. */
const FAT_OVERHEAD = 2 * MIB;
export const SYSLINUX_MBR = "/usr/lib/syslinux/mbr/mbr.bin";

export interface SyslinuxDiskInput {
  /** The bzImage syslinux loads (disk boot goes through SeaBIOS, so no PVH). */
  readonly bzImage: string;
  /** gzip'd cpio archives, concatenated into /initrd. */
  readonly initrd: readonly Uint8Array[];
  readonly kernelArgs: string;
  /** Path of the raw disk to write. */
  readonly output: string;
  /** Total disk size in bytes; default: just what the content needs. */
  readonly size?: number;
}

/** The smallest disk for content of `contentBytes`, in whole MiB. */
export function minimumDiskSize(contentBytes: number): number {
  return PARTITION_START + Math.ceil((contentBytes * 1.02 + FAT_OVERHEAD) / MIB) * MIB;
}

/**
 * Writes a single-file bootable disk without root or loop devices: a FAT partition made by mkfs.fat on a
 * plain file, filled with mtools, made bootable by `syslinux --install` (which works through mtools too),
 * behind an MBR holding syslinux's boot code and one bootable partition entry.
 */
export async function writeSyslinuxDisk(input: SyslinuxDiskInput): Promise<{ sizeBytes: number }> {
  const initrdBytes = input.initrd.reduce((sum, c) => sum + c.length, 0);
  const contentBytes = (await stat(input.bzImage)).size + initrdBytes;
  const needed = minimumDiskSize(contentBytes);
  if (input.size !== undefined && input.size < needed) {
    throw new MpmError(
      "MPM_E_COMPOSE_TOO_SMALL",
      `--size ${input.size} bytes is too small: kernel and initramfs (${contentBytes} bytes) need a ${needed}-byte disk`,
      { hint: `use --size ${Math.ceil(needed / MIB)}M or more`, details: { size: input.size, needed } },
    );
  }
  const total = Math.floor((input.size ?? needed) / SECTOR) * SECTOR;
  const partitionBytes = total - PARTITION_START;
  const mbrCode = await readFile(SYSLINUX_MBR).catch(() => {
    throw new MpmError("MPM_E_COMPOSE_TOOL_MISSING", `syslinux's MBR boot code ${SYSLINUX_MBR} is missing`, {
      hint: "install it: apt-get install --no-install-recommends syslinux-common",
    });
  });
  const work = await mkdtemp(join(tmpdir(), "mpm-disk-"));
  try {
    const part = join(work, "part.img");
    const fat = partitionBytes >= FAT32_MIN ? "32" : "16";
    // -h: hidden sectors = the partition's LBA; -i: fixed volume id so equal input gives equal disks.
    const mkfsArgs = ["-F", fat, "-n", "MPM", "-i", "4d504d00", "-h", String(PARTITION_START / SECTOR)];
    await runTool("mkfs.vfat", [...mkfsArgs, "-C", part, String(partitionBytes / 1024)], {
      debianPackage: "dosfstools",
    });
    await writeFile(join(work, "initrd"), Buffer.concat(input.initrd));
    const cfg = ["SERIAL 0 115200", "DEFAULT app", "PROMPT 0", "TIMEOUT 0", "LABEL app", "  KERNEL /vmlinuz"];
    cfg.push("  INITRD /initrd", `  APPEND ${input.kernelArgs}`, "");
    await writeFile(join(work, "syslinux.cfg"), cfg.join("\n"));
    const mtools = { debianPackage: "mtools", env: { ...process.env, MTOOLS_SKIP_CHECK: "1" } };
    await runTool("mcopy", ["-i", part, input.bzImage, "::/vmlinuz"], mtools);
    await runTool("mcopy", ["-i", part, join(work, "initrd"), join(work, "syslinux.cfg"), "::/"], mtools);
    await runTool("syslinux", ["--install", part], { debianPackage: "syslinux" });
    const sector0 = Buffer.alloc(SECTOR);
    mbrCode.copy(sector0, 0, 0, 440);
    writePartitionEntry(sector0, {
      index: 1,
      start: PARTITION_START,
      size: partitionBytes,
      type: fat === "32" ? 0x0c : 0x0e,
      bootable: true,
    });
    const head = Buffer.alloc(PARTITION_START);
    sector0.copy(head);
    await writeFile(input.output, head);
    await pipeline(createReadStream(part), createWriteStream(input.output, { flags: "a" }));
    await truncate(input.output, total);
    return { sizeBytes: total };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
