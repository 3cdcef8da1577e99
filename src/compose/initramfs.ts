import type { BusyboxBase } from "../base/busybox-base.ts";
import type { KernelBase } from "../base/kernel/kernel-base.ts";
import type { FileTree } from "../image/tree/file-tree.ts";
import { baseUserland } from "../userland/guest-userland.ts";
import { configTree, type GuestRunConfig } from "./guest-config.ts";
import { type Layer, layerFor, minMemoryMiB } from "./layer-cache.ts";

export interface InitramfsInput {
  readonly kernel: KernelBase;
  readonly busybox: BusyboxBase;
  /** Content layers above the base, lowest first (e.g. the node runtime, then the merged packages). */
  readonly layers: readonly FileTree[];
  readonly config: GuestRunConfig;
  readonly cacheDir: string;
  readonly onProgress?: (message: string) => void;
  /** Layers of a base image (`--base`), which replace the base userland: they already contain it. */
  readonly base?: { readonly data: Buffer; readonly rawBytes: number; readonly hash: string };
}

export interface Initramfs {
  /** gzip'd cpio archives to concatenate in this order (the kernel unpacks each; later files win). */
  readonly layers: readonly Layer[];
  readonly rawBytes: number;
  readonly compressedBytes: number;
  readonly minMemoryMiB: number;
}

/**
 * Builds the guest's initramfs as a stack of cached layers: base userland, content layers, run config.
 * Recomposing an unchanged package reuses every layer; changing only --env rebuilds a few hundred bytes.
 */
export async function buildInitramfs(input: InitramfsInput): Promise<Initramfs> {
  const bottom = input.base ? [] : [await baseUserland(input.busybox, input.kernel)];
  const trees = [...bottom, ...input.layers, configTree(input.config)];
  const layers: Layer[] = input.base ? [{ ...input.base, cached: true }] : [];
  for (const [index, tree] of trees.entries()) {
    input.onProgress?.(`layer ${index + 1}/${trees.length}: ${tree.size} entries`);
    layers.push(await layerFor(tree, input.cacheDir));
  }
  const rawBytes = layers.reduce((sum, l) => sum + l.rawBytes, 0);
  const compressedBytes = layers.reduce((sum, l) => sum + l.data.length, 0);
  return { layers, rawBytes, compressedBytes, minMemoryMiB: minMemoryMiB(rawBytes, compressedBytes) };
}
