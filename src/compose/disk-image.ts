import { rename, rm, truncate } from "node:fs/promises";
import type { KernelBase } from "../base/kernel/kernel-base.ts";
import { MpmError } from "../errors/mpm-error.ts";
import { writeSyslinuxDisk } from "../image/disk/syslinux-disk.ts";
import { osvImage } from "../image/osv/osv-image.ts";
import { writeQcow2FromRaw } from "../image/qcow2/qcow2-writer.ts";
import { writeRofs } from "../image/rofs/rofs-writer.ts";
import type { FileTree } from "../image/tree/file-tree.ts";
import { tempNameFor, writeImageAtomic } from "./image-file.ts";
import { GUEST_KERNEL_ARGS } from "./kernel-args.ts";

/**
 * A RAW or QCOW2 disk that boots alone through SeaBIOS: syslinux loads the bzImage and the initramfs
 * layers. QCOW2 is converted from the raw disk by our writer. Written under a temp name, then renamed.
 */
export async function writeBootDisk(options: {
  readonly format: "raw" | "qcow2";
  readonly kernel: KernelBase;
  readonly initrd: readonly Uint8Array[];
  readonly output: string;
  readonly size: number | undefined;
}): Promise<void> {
  if (!options.kernel.bzImage) {
    throw new MpmError(
      "MPM_E_KERNEL_INVALID",
      "disk images need a bzImage, but the kernel given is a bare vmlinux",
      {
        hint: "pass a bzImage (e.g. /boot/vmlinuz-*) with --kernel, or use --format initrd",
      },
    );
  }
  const raw = `${tempNameFor(options.output)}.raw`;
  try {
    await writeSyslinuxDisk({
      bzImage: options.kernel.bzImage,
      initrd: options.initrd,
      kernelArgs: GUEST_KERNEL_ARGS,
      output: raw,
      ...(options.size !== undefined ? { size: options.size } : {}),
    });
    if (options.format === "raw") {
      await rename(raw, options.output);
    } else {
      await writeQcow2FromRaw(raw, tempNameFor(options.output));
      await rename(tempNameFor(options.output), options.output);
    }
  } finally {
    await rm(raw, { force: true });
    await rm(tempNameFor(options.output), { force: true });
  }
}

/** An OSv disk (raw): the user's loader with the command line at 512 and a ROFS root in MBR entry 2. */
export async function writeOsvDisk(options: {
  readonly loader: Buffer;
  readonly commandLine: string;
  readonly tree: FileTree;
  readonly output: string;
  readonly size: number | undefined;
}): Promise<void> {
  const { chunks, layout } = osvImage({
    loader: options.loader,
    commandLine: options.commandLine,
    filesystem: writeRofs(options.tree),
    ...(options.size !== undefined ? { size: options.size } : {}),
  });
  const tmp = `${tempNameFor(options.output)}.osv`;
  try {
    await writeImageAtomic(tmp, chunks);
    await truncate(tmp, layout.totalSize);
    await rename(tmp, options.output);
  } finally {
    await rm(tmp, { force: true });
  }
}
