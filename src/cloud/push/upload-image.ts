import { MpmError } from "../../errors/mpm-error.ts";
import type { GlanceClient } from "../glance/glance-client.ts";
import type { GlanceImage } from "../glance/glance-image.ts";
import type { OrphanJournal } from "../glance/orphan-journal.ts";
import type { LocalImage } from "./local-image.ts";

export type UploadMethod = "put" | "glance-direct";
export type MethodChoice = "auto" | UploadMethod;

/** Polling interval while Glance imports (a 192 KiB image took ~0.3 s on the loopback server). */
const POLL_MS = 250;

/**
 * glance-direct (stage, then import) is the interoperable way and the one clouds that disable direct upload
 * accept; a server that does not advertise it gets the direct PUT.
 */
export function chooseMethod(choice: MethodChoice, advertised: readonly string[]): UploadMethod {
  if (choice !== "auto") return choice;
  return advertised.includes("glance-direct") ? "glance-direct" : "put";
}

export interface UploadOptions {
  readonly client: GlanceClient;
  readonly journal: OrphanJournal;
  readonly image: LocalImage;
  readonly fields: Record<string, unknown>;
  readonly method: UploadMethod;
  readonly onProgress?: ((sent: number, total: number) => void) | undefined;
}

/**
 * Creates the image, sends the bytes, waits until it is active and checks Glance's checksums against ours.
 * Any failure deletes the half-made image; when the cloud is gone, the journal deletes it next time.
 */
export async function uploadImage(options: UploadOptions): Promise<GlanceImage> {
  const { client, image } = options;
  const created = await client.create(options.fields);
  try {
    const file = { path: image.path, size: image.size, onProgress: options.onProgress };
    if (options.method === "put") {
      await client.upload(created.id, file);
    } else {
      await client.stage(created.id, file);
      await client.startImport(created.id, "glance-direct");
    }
    const active = await waitActive(client, created.id, image.size);
    verify(active, image);
    return active;
  } catch (err) {
    await discard(options, created.id);
    throw err;
  }
}

async function discard(options: UploadOptions, id: string): Promise<void> {
  try {
    await options.client.delete(id);
  } catch {
    await options.journal.add(id);
  }
}

async function waitActive(client: GlanceClient, id: string, size: number): Promise<GlanceImage> {
  // Import copies the staged file into the store: allow a generous 10 MB/s on top of a minute.
  const deadline = Date.now() + 60_000 + size / 10_000;
  for (;;) {
    const image = await client.get(id);
    const failed =
      typeof image["os_glance_failed_import"] === "string" ? image["os_glance_failed_import"] : "";
    if (image.status === "active") return image;
    if (failed || image.status === "killed" || image.status === "deleted") {
      throw new MpmError(
        "MPM_E_CLOUD_IMPORT",
        `Glance failed to import image ${id} (status ${image.status})`,
        {
          hint: "the server's import task failed; see its log, or push with --method put",
          details: { image: id },
        },
      );
    }
    if (Date.now() > deadline) {
      throw new MpmError(
        "MPM_E_CLOUD_IMPORT",
        `image ${id} is still ${image.status} after the import should have finished`,
        {
          hint: "the server is slow or its import task is stuck; try again or push with --method put",
          details: { image: id },
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function verify(stored: GlanceImage, image: LocalImage): void {
  const mismatches: string[] = [];
  if (stored.size !== image.size) mismatches.push(`size ${stored.size} != ${image.size}`);
  if (stored.checksum && stored.checksum !== image.md5)
    mismatches.push(`checksum (md5) ${stored.checksum} != ${image.md5}`);
  if (stored.os_hash_algo === "sha512" && stored.os_hash_value !== image.sha512)
    mismatches.push("os_hash_value (sha512) differs");
  if (mismatches.length === 0) return;
  throw new MpmError(
    "MPM_E_CLOUD_CHECKSUM",
    `Glance stored different bytes for ${image.path}: ${mismatches.join("; ")}`,
    {
      hint: "the upload was corrupted or the cloud converts images; the stored image was deleted, push again",
      details: { image: stored.id },
    },
  );
}
