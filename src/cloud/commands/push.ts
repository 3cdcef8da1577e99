import { statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCompose } from "../../compose/commands/compose.ts";
import { MpmError } from "../../errors/mpm-error.ts";
import type { GlanceImage, Visibility } from "../glance/glance-image.ts";
import { type CloudTarget, openGlance } from "../glance/open-glance.ts";
import { defaultImageName, imageFields } from "../push/image-properties.ts";
import { describeLocalImage } from "../push/local-image.ts";
import { chooseMethod, type MethodChoice, type UploadMethod, uploadImage } from "../push/upload-image.ts";

export interface PushOptions extends CloudTarget {
  /**
   * The image file (compose's output; its `<image>.json` record supplies the properties), or a package
   * (directory, .mpm or installed name), which is composed first.
   */
  readonly image: string;
  /** Format a package is composed to before the push. */
  readonly format?: "qcow2" | "raw" | undefined;
  readonly onComposeProgress?: ((message: string) => void) | undefined;
  readonly name?: string | undefined;
  readonly visibility?: Visibility | undefined;
  /** Replace the image(s) of the same name: upload the new one first, then delete the old ones. */
  readonly update?: boolean | undefined;
  readonly method?: MethodChoice | undefined;
  readonly onProgress?: ((sent: number, total: number) => void) | undefined;
}

export interface PushResult {
  readonly image: GlanceImage;
  readonly method: UploadMethod;
  /** Ids of the images of the same name that --update retired. */
  readonly retired: string[];
}

export async function runPush(options: PushOptions): Promise<PushResult> {
  const file = path.resolve(options.cwd ?? process.cwd(), options.image);
  if (isImageFile(file)) return pushFile(file, options);
  const work = await mkdtemp(path.join(tmpdir(), "mpm-push-"));
  try {
    const format = options.format ?? "qcow2";
    const { image } = await runCompose({
      target: options.image,
      format,
      output: path.join(work, `image.${format}`),
      ...(options.onComposeProgress ? { onProgress: options.onComposeProgress } : {}),
    });
    return await pushFile(image.path, options);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A regular file that is not a .mpm package: pushed as it is; anything else is a package to compose. */
function isImageFile(file: string): boolean {
  try {
    return statSync(file).isFile() && !file.endsWith(".mpm");
  } catch {
    return false;
  }
}

async function pushFile(file: string, options: PushOptions): Promise<PushResult> {
  const local = await describeLocalImage(file);
  const name = options.name ?? defaultImageName(local);
  const { client, journal } = await openGlance(options);
  const previous = await client.list({ name });
  checkReplaceable(name, previous, options.update ?? false);
  const method = chooseMethod(options.method ?? "auto", await client.importMethods());
  // A replacement keeps the visibility of what it replaces unless told otherwise.
  const visibility = options.visibility ?? (previous[0]?.visibility as Visibility | undefined) ?? "private";
  const fields = imageFields(local, { name, visibility });
  const image = await uploadImage({
    client,
    journal,
    image: local,
    fields,
    method,
    onProgress: options.onProgress,
  });
  // The new image is active before the old ones go, so the name always has a usable image.
  for (const old of previous) await client.delete(old.id);
  return { image, method, retired: previous.map((old) => old.id) };
}

function checkReplaceable(name: string, previous: readonly GlanceImage[], update: boolean): void {
  if (previous.length === 0) return;
  if (!update) {
    throw new MpmError(
      "MPM_E_CLOUD_CONFLICT",
      `an image named "${name}" already exists (${previous.map((i) => i.id).join(", ")})`,
      {
        hint: "pass --update to replace it, or --name to publish under another name",
        details: { image: name },
      },
    );
  }
  const locked = previous.find((image) => image.protected);
  if (locked) {
    throw new MpmError(
      "MPM_E_CLOUD_PROTECTED",
      `image "${name}" (${locked.id}) is protected and cannot be replaced`,
      {
        hint: "unprotect it in the cloud first, or publish under another --name",
        details: { image: locked.id },
      },
    );
  }
}
