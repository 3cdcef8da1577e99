import { statfsSync } from "node:fs";
import { join } from "node:path";
import { readText } from "./system-info.ts";

export interface DfStat {
  filesystem: string;
  mount: string;
  btotal: number;
  bfree: number;
  ftotal: number;
  ffree: number;
  blocksize: number;
}

/** File systems worth reporting: those on a device, plus RAM ones (an initrd guest runs from rootfs) and shared ones. */
const KEPT_TYPES = new Set([
  "rootfs",
  "tmpfs",
  "ramfs",
  "overlay",
  "9p",
  "virtiofs",
  "zfs",
  "btrfs",
  "xfs",
  "ext4",
]);

/** /proc/mounts decodes octal escapes such as \040 for a space. */
const unescapeMount = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/** statfs of every kept mount in /proc/mounts; mounts that fail statfs are skipped, as OSv does. */
export function readDf(procRoot: string): DfStat[] {
  const out: DfStat[] = [];
  const seen = new Set<string>();
  for (const line of (readText(join(procRoot, "mounts")) ?? "").split("\n")) {
    const [fsname, dir, type] = line.split(" ");
    if (!fsname || !dir || !type) continue;
    if (!fsname.startsWith("/") && !KEPT_TYPES.has(type)) continue;
    const mount = unescapeMount(dir);
    if (seen.has(mount)) continue;
    try {
      const s = statfsSync(mount);
      out.push({
        filesystem: unescapeMount(fsname),
        mount,
        btotal: s.blocks,
        bfree: s.bfree,
        ftotal: s.files,
        ffree: s.ffree,
        blocksize: s.bsize,
      });
      seen.add(mount);
    } catch {
      // unreadable mount (permissions, stale network fs): skipped like OSv's statvfs failure
    }
  }
  return out;
}
