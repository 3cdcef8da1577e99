import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { mpmCacheDir } from "./cache-dir.ts";

/** The base packages mpm makes itself: a kernel, busybox for /init, and a node runtime. */
export type BaseKind = "kernel" | "busybox" | "node";

export const BASE_KINDS: readonly BaseKind[] = ["kernel", "busybox", "node"];

/** What every base records in its `base.json`. */
export interface BaseRecord {
  readonly kind: BaseKind;
  /** Identifies the base inside its kind: kernel release, busybox or node version. */
  readonly id: string;
  /** Where it came from (Debian package and version, or a host file). */
  readonly source: string;
  readonly sizeBytes: number;
  readonly details: Readonly<Record<string, unknown>>;
}

export function baseRoot(cacheDir: string = mpmCacheDir()): string {
  return join(cacheDir, "base");
}

export function baseDir(kind: BaseKind, id: string, cacheDir?: string): string {
  return join(baseRoot(cacheDir), kind, id);
}

/** The base of a kind that compose uses (the one prepared last), or undefined when there is none. */
export async function currentBase(
  kind: BaseKind,
  cacheDir?: string,
): Promise<{ dir: string; record: BaseRecord } | undefined> {
  try {
    const id = (await readFile(join(baseRoot(cacheDir), kind, "current"), "utf8")).trim();
    const dir = baseDir(kind, id, cacheDir);
    const record = JSON.parse(await readFile(join(dir, "base.json"), "utf8")) as BaseRecord;
    return { dir, record };
  } catch {
    return undefined;
  }
}

/**
 * Builds a base in a temporary directory beside its final place and renames it in, then points `current`
 * at it, so an interrupted fetch never leaves a half-made base that compose would use.
 */
export async function installBase(
  kind: BaseKind,
  id: string,
  build: (dir: string) => Promise<Omit<BaseRecord, "kind" | "id">>,
  cacheDir?: string,
  options: { makeCurrent: boolean } = { makeCurrent: true },
): Promise<{ dir: string; record: BaseRecord }> {
  const dir = baseDir(kind, id, cacheDir);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const record: BaseRecord = { kind, id, ...(await build(tmp)) };
    await writeFile(join(tmp, "base.json"), JSON.stringify(record, null, 2) + "\n");
    await rm(dir, { recursive: true, force: true });
    // Another mpm may have finished the same base meanwhile; its copy is as good as ours.
    await rename(tmp, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    });
    if (options.makeCurrent) await setCurrent(kind, id, cacheDir);
    return { dir, record };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function setCurrent(kind: BaseKind, id: string, cacheDir?: string): Promise<void> {
  const file = join(baseRoot(cacheDir), kind, "current");
  await writeFile(`${file}.tmp-${process.pid}`, id + "\n");
  await rename(`${file}.tmp-${process.pid}`, file);
}
