import { homedir } from "node:os";
import { join } from "node:path";

/** mpm's state and cache live under $MPM_ROOT, by default ~/.mpm. */
export function mpmRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env["MPM_ROOT"] || join(homedir(), ".mpm");
}
