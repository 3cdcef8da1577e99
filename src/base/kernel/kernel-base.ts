import { createHash } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { MpmError } from "../../errors/mpm-error.ts";
import { currentBase, installBase } from "../base-store.ts";
import { fetchDebianPackage, resolveKernelPackage } from "../debian-package.ts";
import { extractVmlinux } from "./bzimage.ts";
import { readModInfo } from "./modinfo.ts";
import { type KernelModule, moduleClosure, moduleKey, modulesDep } from "./module-closure.ts";

/**
 * The drivers a guest needs: virtio over PCI (`-M pc`) and MMIO (`-M microvm`), network (virtio_net pulls
 * net_failover and failover), block, console, and qemu_fw_cfg through which `mpm run` passes run-time
 * overrides. Debian builds all of them as modules.
 */
export const GUEST_MODULES = [
  "virtio_pci",
  "virtio_mmio",
  "virtio_net",
  "virtio_blk",
  "virtio_console",
  "qemu_fw_cfg",
];

/** A prepared kernel: files inside the base directory. */
export interface KernelBase {
  readonly release: string;
  readonly dir: string;
  /** The bzImage, for disk images (syslinux loads it); undefined when only a vmlinux was given. */
  readonly bzImage: string | undefined;
  /** The uncompressed ELF, for fast PVH boot with -kernel. */
  readonly vmlinux: string;
  /** Module names in load order (dependencies first). */
  readonly modules: readonly string[];
}

async function walkModules(root: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(".ko")) continue;
    found.set(moduleKey(entry.name.slice(0, -3)), relative(root, join(entry.parentPath, entry.name)));
  }
  return found;
}

/** Reads .modinfo lazily: only the modules the closure reaches, not the ~4000 files of a Debian kernel. */
function lazyModules(root: string, paths: Map<string, string>): Promise<Map<string, KernelModule>> {
  const modules = new Map<string, KernelModule>();
  const load = async (key: string, stack: string[]): Promise<void> => {
    const path = paths.get(key);
    if (modules.has(key) || !path) return;
    const info = readModInfo(await readFile(join(root, path)), basename(path));
    modules.set(key, { ...info, path });
    for (const dep of info.depends) if (!stack.includes(dep)) await load(moduleKey(dep), [...stack, dep]);
  };
  return Promise.all(GUEST_MODULES.map((m) => load(m, [m]))).then(() => modules);
}

/**
 * Makes a kernel base from an unpacked kernel package (`boot/vmlinuz-*`, `lib/modules/<release>`):
 * the bzImage, its extracted vmlinux, the guest modules with their dependencies and a modules.dep.
 */
export async function makeKernelBase(
  unpacked: string,
  source: string,
  cacheDir?: string,
  options: { makeCurrent: boolean } = { makeCurrent: true },
): Promise<KernelBase> {
  const boot = await readdir(join(unpacked, "boot")).catch(() => [] as string[]);
  const vmlinuzName = boot.find((f) => f.startsWith("vmlinuz-"));
  if (!vmlinuzName) {
    throw new MpmError("MPM_E_KERNEL_INVALID", `${unpacked} holds no boot/vmlinuz-*`, {
      hint: "point --kernel at a bzImage file or at an unpacked linux-image package",
    });
  }
  const release = vmlinuzName.slice("vmlinuz-".length);
  const modRoot = join(unpacked, "lib", "modules", release);
  const paths = await walkModules(modRoot).catch(() => new Map<string, string>());
  const closure = paths.size ? moduleClosure(GUEST_MODULES, await lazyModules(modRoot, paths), release) : [];
  const image = await readFile(join(unpacked, "boot", vmlinuzName));
  const vmlinux = await extractVmlinux(image, join(unpacked, "boot", vmlinuzName));
  const { dir } = await installBase(
    "kernel",
    release,
    async (tmp) => {
      await writeFile(join(tmp, "vmlinuz"), image);
      await writeFile(join(tmp, "vmlinux"), vmlinux);
      const config = join(unpacked, "boot", `config-${release}`);
      if (await exists(config)) await copyFile(config, join(tmp, "config"));
      const out = join(tmp, "lib", "modules", release);
      for (const m of closure) {
        await mkdir(dirname(join(out, m.path)), { recursive: true });
        await copyFile(join(modRoot, m.path), join(out, m.path));
      }
      await mkdir(out, { recursive: true });
      await writeFile(join(out, "modules.dep"), modulesDep(closure));
      await writeFile(join(tmp, "modules.load"), closure.map((m) => m.name).join("\n") + "\n");
      return {
        source,
        sizeBytes: image.length + vmlinux.length,
        details: { release, modules: closure.map((m) => m.name) },
      };
    },
    cacheDir,
    options,
  );
  return kernelAt(
    dir,
    release,
    closure.map((m) => m.name),
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function kernelAt(dir: string, release: string, modules: readonly string[]): KernelBase {
  return { release, dir, bzImage: join(dir, "vmlinuz"), vmlinux: join(dir, "vmlinux"), modules };
}

/** Downloads Debian's current kernel package and makes it the kernel base. */
export async function fetchKernelBase(
  options: { packageName?: string; cacheDir?: string; onProgress?: (message: string) => void } = {},
): Promise<KernelBase> {
  const name = options.packageName ?? (await resolveKernelPackage());
  options.onProgress?.(`downloading ${name}`);
  const { root, version } = await fetchDebianPackage(name);
  try {
    options.onProgress?.(`extracting vmlinux and guest modules from ${name} ${version}`);
    return await makeKernelBase(root, `debian:${name}=${version}`, options.cacheDir);
  } finally {
    await rm(dirname(root), { recursive: true, force: true });
  }
}

/** The current kernel base; an error that says how to get one when there is none. */
export async function requireKernelBase(cacheDir?: string): Promise<KernelBase> {
  const base = await currentBase("kernel", cacheDir);
  if (!base) {
    throw new MpmError("MPM_E_BASE_MISSING", "no kernel base is prepared", {
      hint: "run 'mpm base fetch' once (downloads Debian's kernel package, ~70 MB), or pass --kernel <bzImage>",
      details: { base: "kernel" },
    });
  }
  const modules = (base.record.details["modules"] as string[] | undefined) ?? [];
  return kernelAt(base.dir, base.record.id, modules);
}

/**
 * A kernel the user names with --kernel: an unpacked kernel package directory (modules included), or a
 * bzImage / vmlinux file, whose drivers must then be built in. Cached by content, never made current.
 */
export async function kernelFromPath(path: string, cacheDir?: string): Promise<KernelBase> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new MpmError("MPM_E_KERNEL_INVALID", `kernel ${path} does not exist`, {
      hint: "pass a bzImage, a vmlinux or an unpacked linux-image package directory with --kernel",
      details: { path },
    });
  }
  if (info.isDirectory()) return makeKernelBase(path, `dir:${path}`, cacheDir, { makeCurrent: false });
  const image = await readFile(path);
  const vmlinux = await extractVmlinux(image, path);
  const isBzImage = vmlinux !== image;
  const id = `file-${createHash("sha256").update(image).digest("hex").slice(0, 16)}`;
  const { dir } = await installBase(
    "kernel",
    id,
    async (tmp) => {
      if (isBzImage) await writeFile(join(tmp, "vmlinuz"), image);
      await writeFile(join(tmp, "vmlinux"), vmlinux);
      return { source: `file:${path}`, sizeBytes: image.length, details: { release: id, modules: [] } };
    },
    cacheDir,
    { makeCurrent: false },
  );
  return { ...kernelAt(dir, id, []), bzImage: isBzImage ? join(dir, "vmlinuz") : undefined };
}
