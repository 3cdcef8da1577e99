import { mkdir, open, stat } from "node:fs/promises";
import path from "node:path";
import { mpmCacheDir } from "../../base/cache-dir.ts";
import { MpmError } from "../../errors/mpm-error.ts";
import type { ImageFormat } from "../../image/composed-image.ts";
import type { GlanceImage } from "../glance/glance-image.ts";
import { type CloudTarget, openGlance } from "../glance/open-glance.ts";
import { downloadImage } from "../pull/download-image.ts";
import { detectDiskFormat, HEADER_BYTES } from "../push/disk-format.ts";

/** `--base glance:<name or id>` names a Glance image as the base of a compose. */
export const GLANCE_BASE_PREFIX = "glance:";

export function glanceBaseRef(base: string): string | undefined {
  return base.startsWith(GLANCE_BASE_PREFIX) ? base.slice(GLANCE_BASE_PREFIX.length) : undefined;
}

/** A Glance image downloaded into the cache, with what mpm recorded about it when it was pushed. */
export interface GlanceBase {
  readonly image: GlanceImage;
  /** The verified image file in the cache (shared by every compose that uses this image). */
  readonly path: string;
  readonly format: ImageFormat;
  readonly package: { readonly name: string; readonly version: string };
  readonly packages: ReadonlyArray<{ readonly name: string; readonly version: string }>;
  readonly bootConfig: string | undefined;
}

export interface FetchGlanceBaseOptions extends CloudTarget {
  /** Image name or id (without the glance: prefix). */
  readonly image: string;
  /** The formats the caller knows how to extend. */
  readonly extendable: readonly ImageFormat[];
  readonly onProgress?: ((received: number, total: number) => void) | undefined;
}

/**
 * Finds the image, refuses what cannot be extended (saying why) before downloading anything, then
 * downloads it once into the cache (resumable, checksums verified) and checks the bytes are what Glance says.
 */
export async function fetchGlanceBase(options: FetchGlanceBaseOptions): Promise<GlanceBase> {
  const { client } = await openGlance(options);
  const image = await client.find(options.image);
  const format = extendableFormat(image, options.extendable);
  const dir = path.join(options.cacheDir ?? mpmCacheDir(options.env ?? process.env), "cloud", "images");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${image.id}-${image.checksum ?? "none"}.${image.disk_format}`);
  if (!(await exists(file)))
    await downloadImage({ client, image, output: file, onProgress: options.onProgress });
  await checkBytes(file, image);
  return {
    image,
    path: file,
    format,
    package: { name: String(image["mpm_package"]), version: String(image["mpm_version"] ?? "0.0.0") },
    packages: parsePackages(image["mpm_packages"]),
    bootConfig: typeof image["mpm_boot_config"] === "string" ? image["mpm_boot_config"] : undefined,
  };
}

/** Why an image cannot be a base, or the mpm format it has. */
export function extendableFormat(image: GlanceImage, extendable: readonly ImageFormat[]): ImageFormat {
  const label = `Glance image "${image.name}" (${image.id})`;
  const refuse = (why: string, hint: string) =>
    new MpmError("MPM_E_CLOUD_BASE_UNSUPPORTED", `${label} cannot be used as a base: ${why}`, {
      hint,
      details: { image: image.id },
    });
  const mpmFormat = image["mpm_format"];
  if (typeof mpmFormat !== "string" || typeof image["mpm_package"] !== "string") {
    throw refuse(
      "it was not composed by mpm (it has no mpm_format/mpm_package properties), so its layout is unknown",
      "use an image published with `mpm push`, or compose from packages without --base",
    );
  }
  if (!extendable.includes(mpmFormat as ImageFormat)) {
    throw refuse(
      `it is a ${mpmFormat} image and compose extends only ${extendable.join(", ")} images`,
      "push a base composed in one of those formats",
    );
  }
  if (image.disk_format !== "qcow2" && image.disk_format !== "raw") {
    throw refuse(
      `its disk_format is ${image.disk_format}; only qcow2 and raw are ours`,
      "push the base again with mpm push",
    );
  }
  return mpmFormat as ImageFormat;
}

async function checkBytes(file: string, image: GlanceImage): Promise<void> {
  const header = Buffer.alloc(HEADER_BYTES);
  const handle = await open(file, "r");
  try {
    await handle.read(header, 0, HEADER_BYTES, 0);
  } finally {
    await handle.close();
  }
  const detected = detectDiskFormat(header);
  if (detected !== image.disk_format) {
    throw new MpmError(
      "MPM_E_CLOUD_BASE_UNSUPPORTED",
      `Glance image "${image.name}" (${image.id}) says disk_format ${image.disk_format} but its bytes are ${detected}`,
      {
        hint: "the image was uploaded with the wrong disk_format; publish it again with mpm push",
        details: { image: image.id },
      },
    );
  }
}

function parsePackages(value: unknown): Array<{ name: string; version: string }> {
  if (typeof value !== "string" || value === "") return [];
  return value.split(",").flatMap((entry) => {
    const at = entry.lastIndexOf("@");
    return at > 0 ? [{ name: entry.slice(0, at), version: entry.slice(at + 1) }] : [];
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
