import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { mpmCacheDir } from "../base/cache-dir.ts";
import { runCompose } from "../compose/commands/compose.ts";
import { MpmError } from "../errors/mpm-error.ts";
import type { ComposedImage } from "../image/composed-image.ts";

/**
 * Composes a package for `mpm run` / `mpm test` with compose's defaults (initrd, the fastest to boot).
 * The image lives in the mpm cache under a name derived from the target and boot config, so running the
 * same package again recomposes in place (every layer cached when nothing changed).
 */
export async function composeForRun(
  target: string,
  options: { readonly boot: string | undefined },
): Promise<ComposedImage> {
  // A path that does not exist is a missing image, not the name of an installed package.
  if (!existsSync(target) && (target.includes("/") || /\.(json|img|initrd|qcow2|raw)$/.test(target))) {
    throw new MpmError(
      "MPM_E_IMAGE_NOT_FOUND",
      `${target} is neither an image nor a package that can be composed`,
      {
        hint: "give an image composed by mpm compose (or its .json record), a package folder or an installed package",
      },
    );
  }
  const key = createHash("sha256")
    .update(`${resolve(target)}\0${options.boot ?? ""}`)
    .digest("hex")
    .slice(0, 16);
  const dir = join(mpmCacheDir(), "images");
  await mkdir(dir, { recursive: true });
  const result = await runCompose({
    target,
    format: "initrd",
    output: join(dir, `${key}.initrd`),
    ...(options.boot !== undefined ? { boot: options.boot } : {}),
  });
  return result.image;
}
