import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { mpmCacheDir } from "../base/cache-dir.ts";
import { runCompose } from "../compose/commands/compose.ts";
import type { ComposedImage } from "../image/composed-image.ts";
import type { ComposeRequest } from "./run-target.ts";

/**
 * Composes a package for `mpm run` / `mpm test` as an initrd (the fastest to boot) into the cache, named
 * after the target and boot config so a rerun replaces its own image; compose's layer cache makes an
 * unchanged package quick to recompose.
 */
export async function composeForRun(target: string, options: ComposeRequest): Promise<ComposedImage> {
  const key = createHash("sha256")
    .update(`${resolve(target)}\0${options.boot ?? ""}`)
    .digest("hex")
    .slice(0, 16);
  const dir = join(mpmCacheDir(), "run-images");
  mkdirSync(dir, { recursive: true });
  const result = await runCompose({
    target,
    format: "initrd",
    output: join(dir, `${key}.initrd`),
    ...(options.boot !== undefined ? { boot: options.boot } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
  });
  return result.image;
}
