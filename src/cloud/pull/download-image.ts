import { createWriteStream } from "node:fs";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { MpmError } from "../../errors/mpm-error.ts";
import type { GlanceClient } from "../glance/glance-client.ts";
import type { GlanceImage } from "../glance/glance-image.ts";
import { httpError, networkError } from "../http-error.ts";
import { hashFile } from "../push/local-image.ts";

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

/**
 * Streams an image's data to `<output>.part` and renames it to `output` once md5 and sha512 match Glance's.
 * An interrupted download leaves the .part file (and a note of which image it belongs to) so the next run
 * asks only for the rest with an HTTP Range request.
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
  if (response.status === 416) await response.arrayBuffer();
  else if (!response.ok) throw httpError(response.status, await response.text(), { what, url: response.url });
  const resumed = response.status === 206 ? offset : response.status === 416 ? offset : 0;
  if (response.status !== 416 && response.body) {
    await receive(response.body, {
      part,
      resumed,
      total: image.size ?? 0,
      onProgress: options.onProgress,
      what,
      url: response.url,
    });
  }
  await verifyDownload(part, image);
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

interface ReceiveOptions {
  readonly part: string;
  readonly resumed: number;
  readonly total: number;
  readonly onProgress: ((received: number, total: number) => void) | undefined;
  readonly what: string;
  readonly url: string;
}

async function receive(body: ReadableStream<Uint8Array>, o: ReceiveOptions): Promise<void> {
  let received = o.resumed;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      o.onProgress?.(received, o.total);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(body as never),
      counter,
      createWriteStream(o.part, { flags: o.resumed > 0 ? "a" : "w" }),
    );
  } catch (err) {
    throw networkError(err, {
      what: `${o.what} (${received} of ${o.total} bytes kept for resuming)`,
      url: o.url,
    });
  }
}

async function verifyDownload(part: string, image: GlanceImage): Promise<void> {
  const { md5, sha512 } = await hashFile(part);
  const md5Bad = image.checksum !== null && image.checksum !== md5;
  const shaBad = image.os_hash_algo === "sha512" && image.os_hash_value !== sha512;
  if (!md5Bad && !shaBad) return;
  await rm(part, { force: true });
  await rm(`${part}.json`, { force: true });
  throw new MpmError(
    "MPM_E_CLOUD_CHECKSUM",
    `the downloaded bytes of image ${image.id} do not match Glance's ${md5Bad ? "checksum (md5)" : "os_hash_value (sha512)"}`,
    {
      hint: "the partial download was discarded; run the command again",
      details: { image: image.id },
    },
  );
}
