import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { MpmError } from "../../errors/mpm-error.ts";
import type { ComposedImage } from "../../image/composed-image.ts";
import { type DiskFormat, detectDiskFormat, HEADER_BYTES, qcow2VirtualSize } from "./disk-format.ts";

/** An image file about to be published, with what Glance will be checked against afterwards. */
export interface LocalImage {
  readonly path: string;
  readonly size: number;
  readonly diskFormat: DiskFormat;
  /** Size of the disk the guest sees (qcow2 header, or the file size for raw). */
  readonly virtualSize: number;
  readonly md5: string;
  readonly sha512: string;
  /** compose's record beside the image (`<image>.json`), when there is one. */
  readonly composed: ComposedImage | undefined;
}

export async function describeLocalImage(file: string): Promise<LocalImage> {
  const info = await statImage(file);
  const header = Buffer.alloc(HEADER_BYTES);
  const handle = await open(file, "r");
  try {
    await handle.read(header, 0, HEADER_BYTES, 0);
  } finally {
    await handle.close();
  }
  const diskFormat = detectDiskFormat(header);
  const composed = await readSidecar(file);
  checkFormat(file, diskFormat, composed);
  const { md5, sha512 } = await hashFile(file);
  const virtualSize = diskFormat === "qcow2" ? qcow2VirtualSize(header) : info.size;
  return { path: file, size: info.size, diskFormat, virtualSize, md5, sha512, composed };
}

async function statImage(file: string) {
  try {
    const info = await stat(file);
    if (info.isFile() && info.size > 0) return info;
  } catch {
    // reported below
  }
  throw new MpmError("MPM_E_CLOUD_IMAGE_FORMAT", `${file} is not a non-empty image file`, {
    hint: "give the path of an image written by `mpm compose`",
    details: { file },
  });
}

/** compose records the format it wrote; the bytes must agree, and an initrd needs a kernel Glance does not pair. */
function checkFormat(file: string, detected: DiskFormat, composed: ComposedImage | undefined): void {
  if (!composed) return;
  if (composed.format === "initrd") {
    throw new MpmError(
      "MPM_E_CLOUD_IMAGE_FORMAT",
      `${file} is an initrd image, which boots only with a separate kernel`,
      {
        hint: "compose the guest with --format qcow2 (or raw) to publish it to Glance",
        details: { file, format: composed.format },
      },
    );
  }
  const expected = composed.format === "qcow2" ? "qcow2" : composed.format === "raw" ? "raw" : undefined;
  if (expected && expected !== detected) {
    throw new MpmError(
      "MPM_E_CLOUD_IMAGE_FORMAT",
      `${file}: its record says ${composed.format} but the file's bytes are ${detected}`,
      { hint: "compose the image again; the file or its .json record was replaced", details: { file } },
    );
  }
}

async function readSidecar(file: string): Promise<ComposedImage | undefined> {
  let text: string;
  try {
    text = await readFile(`${file}.json`, "utf8");
  } catch {
    return undefined;
  }
  try {
    const record = JSON.parse(text) as ComposedImage;
    if (record.schema === 1 && typeof record.format === "string") return record;
  } catch {
    // reported below
  }
  throw new MpmError(
    "MPM_E_CLOUD_IMAGE_FORMAT",
    `${file}.json is not an image record written by mpm compose`,
    {
      hint: "compose the image again, or remove the stray .json file",
      details: { file: `${file}.json` },
    },
  );
}

/** md5 is Glance's `checksum`, sha512 its `os_hash_value`; one pass computes both. */
export async function hashFile(file: string): Promise<{ md5: string; sha512: string }> {
  const md5 = createHash("md5");
  const sha512 = createHash("sha512");
  for await (const chunk of createReadStream(file)) {
    md5.update(chunk as Buffer);
    sha512.update(chunk as Buffer);
  }
  return { md5: md5.digest("hex"), sha512: sha512.digest("hex") };
}
