import { createHash } from "node:crypto";
import { open, rename, rm, stat, writeFile } from "node:fs/promises";
import type { ComposedImage } from "../image/composed-image.ts";

/** A temporary name beside the final one, so the rename is atomic and a failure leaves no image behind. */
export function tempNameFor(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

/** Writes chunks to a temp file and renames it to `path`; returns size and sha256 of what was written. */
export async function writeImageAtomic(
  path: string,
  chunks: readonly Uint8Array[],
): Promise<{ sizeBytes: number; sha256: string }> {
  const tmp = tempNameFor(path);
  const hash = createHash("sha256");
  let sizeBytes = 0;
  const file = await open(tmp, "w");
  try {
    for (const chunk of chunks) {
      await file.write(chunk);
      hash.update(chunk);
      sizeBytes += chunk.length;
    }
    await file.close();
    await rename(tmp, path);
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  }
  return { sizeBytes, sha256: hash.digest("hex") };
}

/** sha256 and size of an existing file, streamed (disk images can be large and sparse). */
export async function fileDigest(path: string): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash("sha256");
  const file = await open(path);
  try {
    for await (const chunk of file.createReadStream()) hash.update(chunk as Buffer);
  } finally {
    await file.close();
  }
  return { sizeBytes: (await stat(path)).size, sha256: hash.digest("hex") };
}

/** The sidecar record `<image>.json`, written atomically after the image itself. */
export async function writeSidecar(record: ComposedImage): Promise<string> {
  const path = `${record.path}.json`;
  await writeFile(tempNameFor(path), JSON.stringify(record, null, 2) + "\n");
  await rename(tempNameFor(path), path);
  return path;
}
