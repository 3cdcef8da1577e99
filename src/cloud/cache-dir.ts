import os from "node:os";
import path from "node:path";

/** mpm's cache: MPM_CACHE_DIR, else $XDG_CACHE_HOME/mpm, else ~/.cache/mpm. */
export function mpmCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env["MPM_CACHE_DIR"];
  if (explicit) return path.resolve(explicit);
  const base = env["XDG_CACHE_HOME"] ?? path.join(env["HOME"] ?? os.homedir(), ".cache");
  return path.join(base, "mpm");
}
