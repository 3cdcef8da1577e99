import type { GlanceImage } from "../glance/glance-image.ts";

const MIB = 1024 * 1024;

/** `mpm images` output: one row per image, our properties in the PACKAGE and FORMAT columns. */
export function imageTable(images: readonly GlanceImage[]): string {
  const rows = [
    ["NAME", "ID", "STATUS", "DISK", "SIZE", "MIN RAM", "PACKAGE", "FORMAT", "VISIBILITY"],
    ...images.map((image) => [
      image.name ?? "-",
      image.id,
      image.protected ? `${image.status} (protected)` : image.status,
      image.disk_format ?? "-",
      image.size === null ? "-" : `${(image.size / MIB).toFixed(1)} MiB`,
      image.min_ram ? `${image.min_ram} MiB` : "-",
      typeof image["mpm_package"] === "string"
        ? `${image["mpm_package"]}@${String(image["mpm_version"] ?? "?")}`
        : "-",
      typeof image["mpm_format"] === "string" ? image["mpm_format"] : "-",
      image.visibility,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
