import { resolve } from "node:path";
import { requireBusyboxBase } from "../base/busybox-base.ts";
import { mpmCacheDir } from "../base/cache-dir.ts";
import { type KernelBase, requireKernelBase } from "../base/kernel/kernel-base.ts";
import type { ComposedImage } from "../image/composed-image.ts";
import type { FileTree } from "../image/tree/file-tree.ts";
import type { GuestRunConfig } from "./guest-config.ts";
import { writeImageAtomic, writeSidecar } from "./image-file.ts";
import { buildInitramfs } from "./initramfs.ts";
import { GUEST_KERNEL_ARGS } from "./kernel-args.ts";

export interface ComposeInitrdOptions {
  readonly output: string;
  readonly package: { readonly name: string; readonly version: string };
  readonly packages?: ReadonlyArray<{ readonly name: string; readonly version: string }>;
  readonly bootConfig?: string;
  /** Content layers, lowest first. */
  readonly layers: readonly FileTree[];
  readonly config: GuestRunConfig;
  readonly ports?: readonly number[];
  readonly kernel?: KernelBase;
  readonly cacheDir?: string;
  readonly onProgress?: (message: string) => void;
}

/**
 * Writes an `initrd` image (a gzip'd cpio initramfs booted with -kernel <vmlinux> -initrd <image>) and its
 * sidecar record. The lowest-level compose: packages already merged into trees, config already decided.
 */
export async function composeInitrd(options: ComposeInitrdOptions): Promise<ComposedImage> {
  const cacheDir = options.cacheDir ?? mpmCacheDir();
  const kernel = options.kernel ?? (await requireKernelBase(cacheDir));
  const busybox = await requireBusyboxBase(cacheDir);
  const initramfs = await buildInitramfs({
    kernel,
    busybox,
    layers: options.layers,
    config: options.config,
    cacheDir,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const path = resolve(options.output);
  const { sizeBytes, sha256 } = await writeImageAtomic(
    path,
    initramfs.layers.map((l) => l.data),
  );
  const record: ComposedImage = {
    schema: 1,
    format: "initrd",
    path,
    package: options.package,
    packages: options.packages ?? [options.package],
    bootConfig: options.bootConfig,
    command: options.config.command,
    env: options.config.env,
    kernel: kernel.vmlinux,
    kernelArgs: GUEST_KERNEL_ARGS,
    minMemoryMiB: initramfs.minMemoryMiB,
    ports: options.ports ?? [],
    sizeBytes,
    sha256,
  };
  await writeSidecar(record);
  return record;
}
