import path from "node:path";
import type { Visibility } from "../glance/glance-image.ts";
import type { LocalImage } from "./local-image.ts";

/** Glance refuses property values longer than this. */
const MAX_PROPERTY = 255;
const GIB = 1024 ** 3;
/** Tag on every image mpm publishes, so `mpm images --mine` can filter. */
export const MPM_TAG = "mpm";

/** The name an image gets when --name is not given: package-version, or the file's name. */
export function defaultImageName(image: LocalImage): string {
  if (image.composed) return `${image.composed.package.name}-${image.composed.package.version}`;
  return path.basename(image.path).replace(/\.(qcow2|img|raw)$/, "");
}

/** Machine names OpenStack uses for `architecture` (Nova's hw_architecture values). */
function glanceArchitecture(arch: string): string {
  return arch === "x64" ? "x86_64" : arch === "arm64" ? "aarch64" : arch;
}

/**
 * The fields of POST /v2/images: formats, sizes for Nova's scheduler, and properties describing the
 * guest. Custom properties must be strings of at most 255 characters (Glance's schema).
 */
export function imageFields(
  image: LocalImage,
  options: { name: string; visibility: Visibility; arch?: string },
): Record<string, unknown> {
  const composed = image.composed;
  const props: Record<string, string> = {
    os_type: "linux",
    architecture: glanceArchitecture(options.arch ?? process.arch),
    hypervisor_type: "qemu",
  };
  if (composed) {
    props["mpm_package"] = composed.package.name;
    props["mpm_version"] = composed.package.version;
    props["mpm_format"] = composed.format;
    props["mpm_packages"] = composed.packages.map((p) => `${p.name}@${p.version}`).join(",");
    if (composed.bootConfig) props["mpm_boot_config"] = composed.bootConfig;
    if (composed.ports.length) props["mpm_ports"] = composed.ports.join(",");
    props["mpm_sha256"] = composed.sha256;
  }
  for (const [key, value] of Object.entries(props)) props[key] = value.slice(0, MAX_PROPERTY);
  return {
    name: options.name,
    disk_format: image.diskFormat,
    container_format: "bare",
    visibility: options.visibility,
    min_disk: Math.ceil(image.virtualSize / GIB),
    min_ram: composed?.minMemoryMiB ?? 0,
    tags: [MPM_TAG],
    ...props,
  };
}
