import { MpmError } from "../errors/mpm-error.ts";
import type { ComposedImage } from "../image/composed-image.ts";

/** Composes a package for `mpm run` / `mpm test` with compose's defaults (initrd, the fastest to boot). */
export async function composeForRun(
  target: string,
  _options: { readonly boot: string | undefined },
): Promise<ComposedImage> {
  throw new MpmError(
    "MPM_E_IMAGE_NOT_FOUND",
    `${target} is neither an image nor a package that can be composed`,
    {
      hint: "give an image composed by mpm compose (or its .json record)",
    },
  );
}
