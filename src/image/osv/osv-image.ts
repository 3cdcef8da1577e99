import { MpmError } from "../../errors/mpm-error.ts";
import { readPartitionEntry, SECTOR, writePartitionEntry } from "../disk/mbr.ts";

/** OSv reads its command line from byte 512 of the disk, NUL-terminated, at most 1023 characters. */
export const OSV_CMDLINE_OFFSET = 512;
export const OSV_CMDLINE_MAX = 1023;
/** The filesystem partition starts at the loader's size rounded up to 2 MiB (OSv's scripts/build). */
export const OSV_PARTITION_ALIGN = 2 * 1024 * 1024;
/** OSv mounts MBR entry 2 (its /dev/vblk0.1) as the root filesystem; Linux type 0x83. */
export const OSV_ROOT_PARTITION = 2;

export interface OsvImageParts {
  /** The user's OSv loader.img (boot sector, command line sectors, lzloader kernel at 64 KiB). */
  readonly loader: Buffer;
  readonly commandLine: string;
  /** The ROFS filesystem. */
  readonly filesystem: Buffer;
  /** Total image size in bytes; at least loader (rounded) + filesystem. Default: exactly that. */
  readonly size?: number;
}

export interface OsvImageLayout {
  readonly partitionStart: number;
  readonly partitionSize: number;
  readonly totalSize: number;
}

export function checkOsvCommandLine(commandLine: string): Buffer {
  const bytes = Buffer.from(commandLine, "utf8");
  if (bytes.length > OSV_CMDLINE_MAX) {
    throw new MpmError(
      "MPM_E_OSV_CMDLINE_TOO_LONG",
      `the OSv command line is ${bytes.length} bytes; OSv's image holds at most ${OSV_CMDLINE_MAX}`,
      {
        hint: "shorten the command or move environment variables into run.yaml env (stored in /run/<config_set>)",
        details: { length: bytes.length, max: OSV_CMDLINE_MAX, commandLine },
      },
    );
  }
  if (bytes.includes(0)) {
    throw new MpmError("MPM_E_COMPOSE_INPUT", "the OSv command line contains a NUL byte", {
      hint: "remove the NUL character from the command, --env or --opt values",
    });
  }
  return bytes;
}

export function checkLoader(loader: Buffer, source: string): void {
  if (loader.length < 64 * 1024 || loader[510] !== 0x55 || loader[511] !== 0xaa) {
    throw new MpmError("MPM_E_OSV_LOADER", `${source} is not an OSv loader image`, {
      hint: "pass OSv's build/last/loader.img (a boot sector with 55 AA, the kernel at 64 KiB) with --loader",
      details: { path: source, size: loader.length },
    });
  }
}

export function planOsvImage(loaderSize: number, filesystemSize: number, size?: number): OsvImageLayout {
  const partitionStart = Math.ceil(loaderSize / OSV_PARTITION_ALIGN) * OSV_PARTITION_ALIGN;
  const partitionSize = Math.ceil(filesystemSize / SECTOR) * SECTOR;
  const needed = partitionStart + partitionSize;
  if (size !== undefined && size < needed) {
    throw new MpmError(
      "MPM_E_COMPOSE_TOO_SMALL",
      `--size ${size} bytes is too small: the OSv loader and filesystem need ${needed} bytes`,
      { hint: `use --size ${Math.ceil(needed / 2 ** 20)}M or more`, details: { size, needed } },
    );
  }
  return { partitionStart, partitionSize, totalSize: size ?? needed };
}

/**
 * Chunks of an OSv disk: the loader with the command line patched in at 512 and partition entry 2 set,
 * zero padding to the 2 MiB-aligned partition, the filesystem. The caller writes them and extends the file
 * to totalSize (sparse).
 */
export function osvImage(parts: OsvImageParts): { chunks: Buffer[]; layout: OsvImageLayout } {
  checkLoader(parts.loader, "the loader");
  const cmd = checkOsvCommandLine(parts.commandLine);
  const layout = planOsvImage(parts.loader.length, parts.filesystem.length, parts.size);
  const head = Buffer.from(parts.loader);
  // Capstan zero-fills from the terminating NUL to the next sector boundary; OSv reads to the NUL.
  const cmdArea = Math.ceil((cmd.length + 1) / SECTOR) * SECTOR;
  head.fill(0, OSV_CMDLINE_OFFSET, OSV_CMDLINE_OFFSET + cmdArea);
  cmd.copy(head, OSV_CMDLINE_OFFSET);
  writePartitionEntry(head, {
    index: OSV_ROOT_PARTITION,
    start: layout.partitionStart,
    size: layout.partitionSize,
    type: 0x83,
    bootable: false,
  });
  const pad = Buffer.alloc(layout.partitionStart - head.length);
  const fsPad = Buffer.alloc(layout.partitionSize - parts.filesystem.length);
  return { chunks: [head, pad, parts.filesystem, fsPad], layout };
}

/** Reads the command line and root partition back from an OSv disk image (tests, `mpm describe`). */
export function readOsvImage(image: Buffer): {
  commandLine: string;
  partitionStart: number;
  partitionSize: number;
} {
  const end = image.indexOf(0, OSV_CMDLINE_OFFSET);
  const entry = readPartitionEntry(image, OSV_ROOT_PARTITION);
  return {
    commandLine: image.toString("utf8", OSV_CMDLINE_OFFSET, end),
    partitionStart: entry.start,
    partitionSize: entry.size,
  };
}
