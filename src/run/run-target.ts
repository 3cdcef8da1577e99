import { MpmError } from "../errors/mpm-error.ts";
import type { ComposedImage } from "../image/composed-image.ts";
import { isImageTarget, loadImageRecord } from "./image-record.ts";

/** What composing a package for running takes: its boot config and where progress goes. */
export interface ComposeRequest {
  readonly boot: string | undefined;
  readonly onProgress?: ((message: string) => void) | undefined;
}

/** Composes a package (name or directory) into an image for running; compose's own errors pass through. */
export type Composer = (target: string, options: ComposeRequest) => Promise<ComposedImage>;

/** Turns `mpm run`'s argument into an image: an existing image is used as is, a package is composed first. */
export async function resolveRunTarget(
  target: string,
  options: ComposeRequest & { readonly composer: Composer },
): Promise<ComposedImage> {
  if (!isImageTarget(target)) {
    return options.composer(target, { boot: options.boot, onProgress: options.onProgress });
  }
  const image = loadImageRecord(target);
  if (options.boot !== undefined && options.boot !== image.bootConfig) {
    throw new MpmError(
      "MPM_E_BAD_RUN_OPTION",
      `--boot ${options.boot}: image ${image.path} was composed with boot config ${image.bootConfig ?? "(default)"}`,
      {
        hint: "the boot config is chosen at compose time: run the package instead of the image, or recompose",
      },
    );
  }
  return image;
}
