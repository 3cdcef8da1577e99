import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { runTool } from "../../base/run-tool.ts";
import { MpmError } from "../../errors/mpm-error.ts";
import type { ComposedImage } from "../../image/composed-image.ts";
import type { CloudTarget } from "../glance/open-glance.ts";
import { describeLocalImage } from "../push/local-image.ts";
import { fetchGlanceBase, glanceBaseRef } from "./glance-base.ts";

/** The formats whose layout compose can add to: a syslinux disk holding /vmlinuz and a layered /initrd. */
export const EXTENDABLE_FORMATS = ["raw", "qcow2"] as const;

/** What compose needs from a base image: its kernel and its initramfs layers, to stack new layers on. */
export interface ComposeBase {
  /** "glance:<name> (<id>)" or the file, for messages. */
  readonly label: string;
  /** The base's bzImage, extracted to a temporary file. */
  readonly bzImage: string;
  /** The base's gzip'd cpio layers, concatenated; the guest unpacks them first. */
  readonly initrd: Buffer;
  /** Uncompressed size of those layers (the guest needs it in RAM while unpacking). */
  readonly rawBytes: number;
  /** Packages already in the base. */
  readonly packages: ReadonlyArray<{ readonly name: string; readonly version: string }>;
  dispose(): Promise<void>;
}

export interface OpenBaseOptions extends CloudTarget {
  readonly onProgress?: ((message: string) => void) | undefined;
}

/**
 * Opens `--base glance:<name or id>` (downloaded into the cache) or a local image composed by mpm, and
 * takes out its kernel and initramfs. Anything else is refused, saying why.
 */
export async function openComposeBase(ref: string, options: OpenBaseOptions = {}): Promise<ComposeBase> {
  const glanceImage = glanceBaseRef(ref);
  if (glanceImage !== undefined) {
    options.onProgress?.(`fetching base ${ref}`);
    const { onProgress: _messages, ...target } = options;
    const base = await fetchGlanceBase({ ...target, image: glanceImage, extendable: EXTENDABLE_FORMATS });
    const label = `${ref} (${base.image.id})`;
    return extract(base.path, base.image.disk_format === "qcow2" ? "qcow2" : "raw", label, base.packages);
  }
  const local = await describeLocalImage(path.resolve(options.cwd ?? process.cwd(), ref));
  const format = local.composed?.format;
  if (!local.composed || !(EXTENDABLE_FORMATS as readonly string[]).includes(format ?? "")) {
    throw new MpmError(
      "MPM_E_CLOUD_BASE_UNSUPPORTED",
      local.composed
        ? `${ref} cannot be used as a base: it is a ${format} image and compose extends only raw and qcow2 images`
        : `${ref} cannot be used as a base: it has no ${path.basename(ref)}.json record, so it was not composed by mpm`,
      {
        hint: "compose the base with --format raw or qcow2, or use --base glance:<image>",
        details: { file: ref },
      },
    );
  }
  return extract(local.path, local.diskFormat, ref, (local.composed as ComposedImage).packages);
}

async function extract(
  file: string,
  diskFormat: "raw" | "qcow2",
  label: string,
  packages: ComposeBase["packages"],
): Promise<ComposeBase> {
  const work = await mkdtemp(path.join(tmpdir(), "mpm-base-"));
  try {
    let raw = file;
    if (diskFormat === "qcow2") {
      raw = path.join(work, "base.raw");
      await runTool("qemu-img", ["convert", "-f", "qcow2", "-O", "raw", file, raw], {
        debianPackage: "qemu-utils",
      });
    }
    const offset = await bootPartitionOffset(raw, label);
    const mtools = { debianPackage: "mtools", env: { ...process.env, MTOOLS_SKIP_CHECK: "1" } };
    const image = `${raw}@@${offset}`;
    const bzImage = path.join(work, "vmlinuz");
    try {
      await runTool("mcopy", ["-i", image, "::/vmlinuz", bzImage], mtools);
      await runTool("mcopy", ["-i", image, "::/initrd", path.join(work, "initrd")], mtools);
    } catch (err) {
      throw notOurs(label, "its boot partition has no /vmlinuz and /initrd", err);
    }
    const initrd = await readFile(path.join(work, "initrd"));
    if (diskFormat === "qcow2") await rm(raw, { force: true });
    return {
      label,
      bzImage,
      initrd,
      rawBytes: gunzipSync(initrd).length,
      packages,
      dispose: () => rm(work, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}

/** Byte offset of the first MBR partition (where compose puts the syslinux FAT partition). */
async function bootPartitionOffset(raw: string, label: string): Promise<number> {
  const handle = await open(raw, "r");
  const sector = Buffer.alloc(512);
  try {
    await handle.read(sector, 0, 512, 0);
  } finally {
    await handle.close();
  }
  const startLba = sector.readUInt32LE(446 + 8);
  if (sector.readUInt16LE(510) !== 0xaa55 || startLba === 0)
    throw notOurs(label, "it has no MBR partition table");
  return startLba * 512;
}

function notOurs(label: string, why: string, cause?: unknown): MpmError {
  return new MpmError("MPM_E_CLOUD_BASE_UNSUPPORTED", `${label} cannot be used as a base: ${why}`, {
    hint: "use an image composed by mpm with --format raw or qcow2",
    cause,
    details: { image: label },
  });
}
