import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { loadWithPackages } from "../../agent/guest/with-packages.ts";
import { requireBusyboxBase } from "../../base/busybox-base.ts";
import { mpmCacheDir } from "../../base/cache-dir.ts";
import { type KernelBase, kernelFromPath, requireKernelBase } from "../../base/kernel/kernel-base.ts";
import { requireNodeBase } from "../../base/node-base.ts";
import { type ComposeBase, EXTENDABLE_FORMATS, openComposeBase } from "../../cloud/base/compose-base.ts";
import { MpmError } from "../../errors/mpm-error.ts";
import type { ComposedImage, ImageFormat } from "../../image/composed-image.ts";
import { checkLoader } from "../../image/osv/osv-image.ts";
import type { FileTree } from "../../image/tree/file-tree.ts";
import { capstanCommandLine, capstanRunScript } from "../../package/boot.ts";
import { listContentFiles } from "../../package/content-files.ts";
import { openLocalRepository } from "../../repo/local-repository.ts";
import { type BootPlan, planBoot } from "../boot-plan.ts";
import { writeBootDisk, writeOsvDisk } from "../disk-image.ts";
import { type GuestRunConfig, hostnameFor } from "../guest-config.ts";
import { fileDigest, writeImageAtomic, writeSidecar } from "../image-file.ts";
import { buildInitramfs } from "../initramfs.ts";
import { GUEST_KERNEL_ARGS } from "../kernel-args.ts";
import { type ComposeSet, loadComposeSet } from "../load-target.ts";
import { mergeTrees, packageTree } from "../merge-packages.ts";
import { pullMissing } from "../pull-missing.ts";
import { parseSize } from "../size.ts";

export const IMAGE_FORMATS: readonly ImageFormat[] = ["initrd", "raw", "qcow2", "osv"];
/** initrd boots fastest (PVH vmlinux, no disk, no firmware): ~3.5 s under TCG against ~9 s from disk. */
export const DEFAULT_FORMAT: ImageFormat = "initrd";
const EXTENSIONS: Record<ImageFormat, string> = {
  initrd: "initrd",
  raw: "raw",
  qcow2: "qcow2",
  osv: "osv.img",
};

export interface ComposeOptions {
  /** A package directory, a .mpm file, or name[@range] installed in the local repository. */
  readonly target: string;
  readonly format?: ImageFormat;
  /** Image path; default ./<package name>.<initrd|raw|qcow2|osv.img>. */
  readonly output?: string;
  /** Total disk size ("64M", "1G", bytes) for raw, qcow2 and osv. */
  readonly size?: string;
  /** run.yaml config set; default config_set_default. */
  readonly boot?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly opts?: Readonly<Record<string, string>>;
  /** A bzImage, vmlinux or unpacked kernel package instead of the kernel base. */
  readonly kernel?: string;
  /** OSv's loader.img, required for --format osv. */
  readonly loader?: string;
  /** Let later packages replace files of earlier ones instead of failing. */
  readonly allowOverwrite?: boolean;
  /** An image to add the packages to: `glance:<name or id>` or a raw/qcow2 file composed by mpm. */
  readonly base?: string;
  /** The cloud for a glance: base (default: $OS_CLOUD, else the OS_* variables). */
  readonly cloud?: string;
  /** Extra packages below the application (`httpserver`, or package folders), e.g. the REST agent. */
  readonly with?: readonly string[];
  /** Fetch what the local repository lacks from the remote repositories first (`mpm pull`). */
  readonly pull?: boolean;
  readonly repoRoot?: string;
  readonly cacheDir?: string;
  readonly onProgress?: (message: string) => void;
}

export interface ComposeResult {
  readonly image: ComposedImage;
  /** Layers served from the cache / layers in the image (initrd, raw, qcow2). */
  readonly layersCached: number;
  readonly layersTotal: number;
}

function checkFormat(format: string): ImageFormat {
  if (!(IMAGE_FORMATS as readonly string[]).includes(format)) {
    throw new MpmError("MPM_E_COMPOSE_INPUT", `--format '${format}' is not an image format`, {
      hint: `use one of ${IMAGE_FORMATS.join(", ")}`,
      details: { field: "--format", value: format },
    });
  }
  return format as ImageFormat;
}

async function treeOfDir(dir: string): Promise<FileTree> {
  const files = await listContentFiles(dir);
  return packageTree({ files });
}

/** `mpm compose`: packages -> one bootable image plus its `<image>.json` record. */
export async function runCompose(options: ComposeOptions): Promise<ComposeResult> {
  const format = checkFormat(options.format ?? DEFAULT_FORMAT);
  const size = options.size === undefined ? undefined : parseSize(options.size);
  if (size !== undefined && format === "initrd") {
    throw new MpmError("MPM_E_COMPOSE_INPUT", "--size applies to disk images; an initrd has no fixed size", {
      hint: "drop --size, or use --format raw, qcow2 or osv",
    });
  }
  if (format === "osv" && !options.loader) {
    throw new MpmError("MPM_E_OSV_LOADER", "--format osv needs OSv's loader image", {
      hint: "pass --loader <path to OSv's build/last/loader.img>",
    });
  }
  if (options.base !== undefined && !(EXTENDABLE_FORMATS as readonly string[]).includes(format)) {
    throw new MpmError(
      "MPM_E_COMPOSE_INPUT",
      `--base builds ${EXTENDABLE_FORMATS.join(" and ")} images, not ${format}`,
      {
        hint: "add --format qcow2 (or raw)",
        details: { field: "--format", value: format },
      },
    );
  }
  const progress = options.onProgress;
  const cacheDir = options.cacheDir ?? mpmCacheDir();
  const base =
    options.base === undefined
      ? undefined
      : await openComposeBase(options.base, { cloud: options.cloud, cacheDir, onProgress: progress });
  try {
    return await composeOnBase(format, size, options, cacheDir, base);
  } finally {
    await base?.dispose();
  }
}

async function composeOnBase(
  format: ImageFormat,
  size: number | undefined,
  options: ComposeOptions,
  cacheDir: string,
  base: ComposeBase | undefined,
): Promise<ComposeResult> {
  const progress = options.onProgress;
  if (options.pull) {
    await pullMissing({ target: options.target, repoRoot: options.repoRoot, onProgress: progress });
  }
  const repo = await openLocalRepository(options.repoRoot ? { root: options.repoRoot } : {});
  progress?.(`resolving ${options.target}`);
  const loaded = await loadComposeSet(options.target, repo);
  const set = {
    ...loaded,
    packages: [...(await loadWithPackages(options.with ?? [], cacheDir)), ...loaded.packages],
  };
  try {
    const plan = await planBoot(set.packages, {
      ...(options.boot !== undefined ? { configSet: options.boot } : {}),
      env: { ...(options.env ?? {}) },
      opts: { ...(options.opts ?? {}) },
    });
    try {
      return await compose(format, size, set, plan, options, cacheDir, base);
    } finally {
      await plan.dispose();
    }
  } finally {
    await set.dispose();
  }
}

async function compose(
  format: ImageFormat,
  size: number | undefined,
  set: ComposeSet,
  plan: BootPlan,
  options: ComposeOptions,
  cacheDir: string,
  base: ComposeBase | undefined,
): Promise<ComposeResult> {
  const progress = options.onProgress;
  const app = set.packages[set.packages.length - 1]!;
  const output = resolve(options.output ?? `${app.manifest.name}.${EXTENSIONS[format]}`);
  progress?.(`reading ${set.packages.length} package(s)`);
  const layers = [];
  for (const pkg of set.packages) layers.push({ name: pkg.manifest.name, tree: await packageTree(pkg) });
  layers.push({ name: "meta/hooks output", tree: await treeOfDir(plan.hookRoot) });
  const merged = mergeTrees(layers, { allowOverwrite: options.allowOverwrite === true });
  const common = {
    schema: 1 as const,
    format,
    path: output,
    package: { name: app.manifest.name, version: app.manifest.version },
    packages: [
      ...(base?.packages ?? []),
      ...set.packages.map((p) => ({ name: p.manifest.name, version: p.manifest.version })),
    ],
    bootConfig: plan.boot.configSet,
    env: plan.boot.env,
    ports: [] as number[],
  };
  if (format === "osv") {
    const loaderPath = resolve(options.loader!);
    const loader = await readFile(loaderPath).catch(() => Buffer.alloc(0));
    checkLoader(loader, loaderPath);
    const boot = { ...plan.boot, template: plan.command };
    const commandLine = capstanCommandLine([boot.configSet], boot.overrides);
    merged.set(`/run/${boot.configSet}`, {
      type: "file",
      mode: 0o700,
      data: Buffer.from(capstanRunScript(boot)),
    });
    progress?.("writing ROFS and the OSv layout");
    await writeOsvDisk({ loader, commandLine, tree: merged, output, size });
    const digest = await fileDigest(output);
    const minMemoryMiB = Math.max(128, Math.ceil(digest.sizeBytes / 2 ** 20 / 32) * 32 + 128);
    const image = {
      ...common,
      command: commandLine,
      kernel: undefined,
      kernelArgs: undefined,
      minMemoryMiB,
      ...digest,
    };
    await writeSidecar(image);
    return { image, layersCached: 0, layersTotal: 1 };
  }
  const kernelPath = base ? base.bzImage : options.kernel && resolve(options.kernel);
  const kernel: KernelBase = kernelPath
    ? await kernelFromPath(kernelPath, cacheDir)
    : await requireKernelBase(cacheDir);
  const contentLayers: FileTree[] = [];
  const needsNode = set.packages.some((p) => p.run?.runtime === "node");
  if (needsNode && !merged.has("/usr/bin/node") && !merged.has("/usr/local/bin/node")) {
    progress?.("adding the node runtime base");
    contentLayers.push(await treeOfDir((await requireNodeBase(cacheDir)).root));
  }
  contentLayers.push(...layers.map((l) => l.tree).filter((t) => t.size > 0));
  const config: GuestRunConfig = {
    command: plan.command,
    env: plan.boot.env,
    hostname: hostnameFor(app.manifest.name),
    opts: {},
    optEnv: plan.optEnv,
  };
  const initramfs = await buildInitramfs({
    kernel,
    busybox: await requireBusyboxBase(cacheDir),
    layers: contentLayers,
    config,
    cacheDir,
    ...(progress ? { onProgress: progress } : {}),
    ...(base ? { base: { data: base.initrd, rawBytes: base.rawBytes, hash: base.label } } : {}),
  });
  const chunks = initramfs.layers.map((l) => l.data);
  progress?.(`writing the ${format} image`);
  if (format === "initrd") await writeImageAtomic(output, chunks);
  else await writeBootDisk({ format, kernel, initrd: chunks, output, size });
  const image: ComposedImage = {
    ...common,
    command: plan.command,
    kernel: format === "initrd" ? kernel.vmlinux : undefined,
    kernelArgs: format === "initrd" ? GUEST_KERNEL_ARGS : undefined,
    minMemoryMiB: initramfs.minMemoryMiB,
    ...(await fileDigest(output)),
  };
  await writeSidecar(image);
  return {
    image,
    layersCached: initramfs.layers.filter((l) => l.cached).length,
    layersTotal: initramfs.layers.length,
  };
}
