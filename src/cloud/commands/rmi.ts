import { MpmError } from "../../errors/mpm-error.ts";
import type { GlanceImage } from "../glance/glance-image.ts";
import { type CloudTarget, openGlance } from "../glance/open-glance.ts";

export interface RmiOptions extends CloudTarget {
  /** Image name or id. */
  readonly image: string;
}

export async function runRmi(options: RmiOptions): Promise<GlanceImage> {
  const { client } = await openGlance(options);
  const image = await client.find(options.image);
  try {
    await client.delete(image.id);
  } catch (err) {
    if (err instanceof MpmError && err.code === "MPM_E_CLOUD_FORBIDDEN" && image.protected) {
      const reason = String(err.details?.["reason"] ?? err.message);
      throw new MpmError(
        "MPM_E_CLOUD_PROTECTED",
        `cannot delete image "${image.name}" (${image.id}); Glance says: ${reason}`,
        {
          hint: "unprotect it first (openstack image set --unprotected <id>) if it really should go",
          cause: err,
          details: { image: image.id },
        },
      );
    }
    throw err;
  }
  return image;
}
