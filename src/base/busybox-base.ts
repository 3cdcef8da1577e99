import { copyFile, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { MpmError } from "../errors/mpm-error.ts";
import { currentBase, installBase } from "./base-store.ts";
import { fetchDebianPackage } from "./debian-package.ts";
import { runTool } from "./run-tool.ts";

export interface BusyboxBase {
  readonly version: string;
  /** The statically linked busybox binary. */
  readonly binary: string;
  /** Applet paths relative to the root ("bin/sh", "sbin/udhcpc", ...), each a link to busybox. */
  readonly applets: readonly string[];
}

/** Downloads Debian's busybox-static (no host install needed) and records its applets. */
export async function fetchBusyboxBase(
  options: { cacheDir?: string; onProgress?: (message: string) => void } = {},
): Promise<BusyboxBase> {
  options.onProgress?.("downloading busybox-static");
  const { root, version } = await fetchDebianPackage("busybox-static");
  try {
    const { dir, record } = await installBase(
      "busybox",
      version,
      async (tmp) => {
        const binary = join(tmp, "busybox");
        await copyFile(join(root, "bin", "busybox"), binary);
        // --list-full prints each applet's install path, e.g. "sbin/udhcpc".
        const list = (await runTool(binary, ["--list-full"])).toString().split("\n").filter(Boolean);
        return {
          source: `debian:busybox-static=${version}`,
          sizeBytes: (await stat(binary)).size,
          details: { applets: list },
        };
      },
      options.cacheDir,
    );
    return busyboxAt(dir, record.id, record.details["applets"] as string[]);
  } finally {
    await rm(dirname(root), { recursive: true, force: true });
  }
}

function busyboxAt(dir: string, version: string, applets: readonly string[]): BusyboxBase {
  return { version, binary: join(dir, "busybox"), applets };
}

export async function requireBusyboxBase(cacheDir?: string): Promise<BusyboxBase> {
  const base = await currentBase("busybox", cacheDir);
  if (!base) {
    throw new MpmError("MPM_E_BASE_MISSING", "no busybox base is prepared (the guest's /init needs it)", {
      hint: "run 'mpm base fetch' once (downloads Debian's busybox-static)",
      details: { base: "busybox" },
    });
  }
  return busyboxAt(base.dir, base.record.id, base.record.details["applets"] as string[]);
}
