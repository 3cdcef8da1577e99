import path from "node:path";
import type { GlanceImage } from "../glance/glance-image.ts";
import { type CloudTarget, openGlance } from "../glance/open-glance.ts";
import { type DownloadResult, downloadImage } from "../pull/download-image.ts";

export interface PullImageOptions extends CloudTarget {
  /** Image name or id. */
  readonly image: string;
  /** Where to write it; default `<name>.<qcow2|img>` in the working directory. */
  readonly output?: string | undefined;
  readonly onProgress?: ((received: number, total: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface PullImageResult extends DownloadResult {
  readonly image: GlanceImage;
}

export async function runPullImage(options: PullImageOptions): Promise<PullImageResult> {
  const { client } = await openGlance(options);
  const image = await client.find(options.image);
  const output = path.resolve(options.cwd ?? process.cwd(), options.output ?? defaultOutput(image));
  const result = await downloadImage({
    client,
    image,
    output,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  return { ...result, image };
}

function defaultOutput(image: GlanceImage): string {
  const stem = (image.name ?? image.id).replace(/[^A-Za-z0-9._-]/g, "_");
  return `${stem}.${image.disk_format === "qcow2" ? "qcow2" : "img"}`;
}
