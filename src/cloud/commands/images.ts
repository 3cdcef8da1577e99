import type { GlanceImage } from "../glance/glance-image.ts";
import { type CloudTarget, openGlance } from "../glance/open-glance.ts";
import { MPM_TAG } from "../push/image-properties.ts";

export interface ImagesOptions extends CloudTarget {
  /** Only images mpm published (tagged "mpm"). */
  readonly mine?: boolean | undefined;
}

export async function runImages(options: ImagesOptions): Promise<GlanceImage[]> {
  const { client } = await openGlance(options);
  const images = await client.list(options.mine ? { tag: MPM_TAG } : {});
  return images.sort(
    (a, b) => (a.name ?? "").localeCompare(b.name ?? "") || a.created_at.localeCompare(b.created_at),
  );
}
