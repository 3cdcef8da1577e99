import { randomBytes } from "node:crypto";
import { access, chmod, mkdir, open, rename, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { MpmError } from "../errors/mpm-error.ts";
import { type FileSink, walkMpm } from "./read-mpm.ts";

export interface ExtractResult {
  readonly files: number;
  /** Whether the archive carried meta/SHA256SUMS and every file matched it. */
  readonly checksummed: boolean;
}

/**
 * Extracts a .mpm into `destDir` (which must not exist) safely and atomically: entries are checked by
 * walkMpm (no absolute names, no `..`, no escaping links, checksums), written into a temp folder beside
 * `destDir`, and that folder is renamed into place only when everything succeeded — so a failure or a
 * killed process never leaves a half-extracted `destDir`.
 */
export async function extractMpm(file: string, destDir: string): Promise<ExtractResult> {
  const dest = path.resolve(destDir);
  if (await exists(dest)) {
    throw new MpmError("MPM_E_IO", `cannot extract ${file}: ${dest} already exists`, {
      hint: "extract into a new folder",
    });
  }
  await mkdir(path.dirname(dest), { recursive: true });
  const temp = `${dest}.part-${randomBytes(6).toString("hex")}`;
  await mkdir(temp);
  try {
    let files = 0;
    const result = await walkMpm(file, async (entry) => {
      const target = path.join(temp, entry.path);
      if (entry.type === "dir") {
        await mkdir(target, { recursive: true, mode: 0o755 });
        return undefined;
      }
      await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
      if (entry.type === "symlink") {
        await symlink(entry.linkTarget!, target);
        return undefined;
      }
      files++;
      return fileSink(target, entry.mode);
    });
    await rename(temp, dest);
    return { files, checksummed: result.checksummed };
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

async function fileSink(target: string, mode: number): Promise<FileSink> {
  // "wx": never write through something already there (a symlink planted by an earlier entry).
  const handle = await open(target, "wx", 0o600);
  return {
    write: async (chunk) => {
      await handle.write(chunk);
    },
    close: async () => {
      await handle.close();
      // Permission bits only: setuid/setgid/sticky from an archive are dropped.
      await chmod(target, mode & 0o777);
    },
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
