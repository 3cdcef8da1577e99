/** An image record of the Images v2 API (standard fields; custom properties are extra string keys). */
export interface GlanceImage {
  readonly id: string;
  readonly name: string | null;
  readonly status: string;
  readonly disk_format: string | null;
  readonly container_format: string | null;
  readonly size: number | null;
  readonly virtual_size: number | null;
  readonly checksum: string | null;
  readonly os_hash_algo: string | null;
  readonly os_hash_value: string | null;
  readonly visibility: string;
  readonly protected: boolean;
  readonly min_ram: number;
  readonly min_disk: number;
  readonly tags: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly [property: string]: unknown;
}

export type Visibility = "private" | "shared" | "community" | "public";
export const VISIBILITIES: readonly Visibility[] = ["private", "shared", "community", "public"];

/** One JSON-patch operation of PATCH /v2/images/{id}. */
export interface PatchOperation {
  readonly op: "add" | "replace" | "remove";
  readonly path: string;
  readonly value?: unknown;
}

/** Glance ids are UUIDs; anything else given on the command line is a name. */
export function looksLikeImageId(ref: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
}
