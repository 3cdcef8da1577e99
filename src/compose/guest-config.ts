import type { FileTree } from "../image/tree/file-tree.ts";

/**
 * What the guest runs, stored in the image as /etc/mpm/image.json. `mpm run` overrides it through fw_cfg
 * with the same shape (opt/mpm/run.json): env keys merge, command and hostname replace, opts merge.
 */
export interface GuestRunConfig {
  readonly command: string;
  readonly env: Readonly<Record<string, string>>;
  readonly hostname?: string;
  /** Package option values set at run time; the guest exports each as the variable optEnv names. */
  readonly opts: Readonly<Record<string, string>>;
  /** meta/opts long and short names -> environment variable; unknown names become MPM_OPT_<name>. */
  readonly optEnv?: Readonly<Record<string, string>>;
}

export const GUEST_CONFIG_PATH = "/etc/mpm/image.json";

/** The layer holding only the run configuration, so changing --env or --opt recompresses a few bytes. */
export function configTree(config: GuestRunConfig): FileTree {
  const json = JSON.stringify(config, null, 2) + "\n";
  return new Map([[GUEST_CONFIG_PATH, { type: "file", mode: 0o644, data: Buffer.from(json, "utf8") }]]);
}

/** Guest hostnames must be valid DNS labels; package names like "com.example.app" are turned into one. */
export function hostnameFor(packageName: string): string {
  const label = packageName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
  return label || "mpm-guest";
}
