import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where mpm keeps what it makes itself and can make again: base packages (kernel, busybox, node) and
 * composed layers. `$MPM_CACHE` wins, then `$XDG_CACHE_HOME/mpm`, then `~/.cache/mpm`.
 */
export function mpmCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env["MPM_CACHE"]) return env["MPM_CACHE"];
  if (env["XDG_CACHE_HOME"]) return join(env["XDG_CACHE_HOME"], "mpm");
  return join(homedir(), ".cache", "mpm");
}
