import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { MpmError } from "../../errors/mpm-error.ts";
import type { GlanceClient } from "../glance/glance-client.ts";
import type { GlanceImage } from "../glance/glance-image.ts";
import { httpError, networkError } from "../http-error.ts";

export interface DownloadOptions {
  readonly client: GlanceClient;
  readonly image: GlanceImage;
  readonly output: string;
  readonly onProgress?: ((received: number, total: number) => void) | undefined;
  /** Aborts the transfer; the partial file stays for the next attempt to resume. */
  readonly signal?: AbortSignal | undefined;
}

export interface DownloadResult {
  readonly path: string;
  readonly size: number;
  /** Bytes already on disk from an earlier, interrupted download (0 when it started afresh). */
  readonly resumedFrom: number;
}

interface Digests {
  readonly md5: Hash;
  readonly sha512: Hash;
}

/**
 * Streams an image's data to `<output>.part` and renames it to `output` once md5 and sha512 match Glance's.
 * An interrupted download leaves the .part file (and a note of which image it belongs to) so the next run
 * asks only for the rest with an HTTP Range request. Hashes are computed as the bytes arrive (after
 * re-reading the part already on disk), so the file is read once.
 */
export async function downloadImage(options: DownloadOptions): Promise<DownloadResult> {
  const { client, image, output } = options;
  if (image.status !== "active") {
    throw new MpmError(
      "MPM_E_CLOUD_NOT_READY",
      `image "${image.name}" (${image.id}) is ${image.status}, not active`,
      {
        hint: "wait until its upload or import has finished",
        details: { image: image.id },
      },
    );
  }
  const part = `${output}.part`;
  const offset = await resumableBytes(part, image);
  await writeFile(`${part}.json`, JSON.stringify({ id: image.id, checksum: image.checksum }));
  const response = await client.download(image.id, offset, options.signal);
  const what = `download image ${image.id}`;
  if (!response.ok && response.status !== 416) {
    throw httpError(response.status, await response.text(), { what, url: response.url });
  }
  // 206: the rest follows; 416: the part file is already complete; 200: the server ignored the range.
  const resumed = response.status === 200 ? 0 : offset;
  const digests = { md5: createHash("md5"), sha512: createHash("sha512") };
  if (resumed > 0) await hashExisting(part, digests);
  if (response.status === 416 || !response.body) await response.arrayBuffer();
  else
    await receive(response.body, {
      part,
      resumed,
      total: image.size ?? 0,
      onProgress: options.onProgress,
      what,
      url: response.url,
      digests,
    });
  await verifyDownload(part, image, digests);
  await rename(part, output);
  await rm(`${part}.json`, { force: true });
  return { path: output, size: image.size ?? 0, resumedFrom: resumed };
}

async function resumableBytes(part: string, image: GlanceImage): Promise<number> {
  try {
    const note = JSON.parse(await readFile(`${part}.json`, "utf8")) as { id?: string; checksum?: string };
    if (note.id !== image.id || note.checksum !== image.checksum) return 0;
    return (await stat(part)).size;
  } catch {
    return 0;
  }
}

async function hashExisting(part: string, digests: Digests): Promise<void> {
  for await (const chunk of createReadStream(part, { highWaterMark: 1 << 20 })) {
    digests.md5.update(chunk as Buffer);
    digests.sha512.update(chunk as Buffer);
  }
}

interface ReceiveOptions {
  readonly part: string;
  readonly resumed: number;
  readonly total: number;
  readonly onProgress: ((received: number, total: number) => void) | undefined;
  readonly what: string;
  readonly url: string;
  readonly digests: Digests;
}

async function receive(body: ReadableStream<Uint8Array>, o: ReceiveOptions): Promise<void> {
  let received = o.resumed;
  const file = await open(o.part, o.resumed > 0 ? "a" : "w");
  try {
    for await (const chunk of body) {
      await file.write(chunk);
      o.digests.md5.update(chunk);
      o.digests.sha512.update(chunk);
      received += chunk.length;
      o.onProgress?.(received, o.total);
    }
  } catch (err) {
    throw networkError(err, {
      what: `${o.what} (${received} of ${o.total} bytes kept for resuming)`,
      url: o.url,
    });
  } finally {
    await file.close();
  }
}

async function verifyDownload(part: string, image: GlanceImage, digests: Digests): Promise<void> {
  const md5Bad = image.checksum !== null && image.checksum !== digests.md5.digest("hex");
  const shaBad = image.os_hash_algo === "sha512" && image.os_hash_value !== digests.sha512.digest("hex");
  if (!md5Bad && !shaBad) return;
  await rm(part, { force: true });
  await rm(`${part}.json`, { force: true });
  throw new MpmError(
    "MPM_E_CLOUD_CHECKSUM",
    `the downloaded bytes of image ${image.id} do not match Glance's ${md5Bad ? "checksum (md5)" : "os_hash_value (sha512)"}`,
    { hint: "the partial download was discarded; run the command again", details: { image: image.id } },
  );
}
