import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { ProblemList } from "./problem.ts";

/**
 * meta/hooks (design document §3.3.3): optional executables `build` (run by `mpm build` on the host),
 * `run` and `java-run` (host-side startup configuration), `test` (run against a booted guest by
 * `mpm test`). Helpers belong in meta/hooks/support/; nothing else may be in meta/hooks.
 */
export const HOOK_NAMES = ["build", "run", "java-run", "test"] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export async function readHooks(root: string, problems: ProblemList): Promise<HookName[]> {
  const dir = path.join(root, "meta", "hooks");
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch {
    return [];
  }
  const found: HookName[] = [];
  for (const name of entries) {
    const file = `meta/hooks/${name}`;
    const stats = await stat(path.join(dir, name)).catch(() => undefined);
    if (name === "support") {
      if (!stats?.isDirectory()) problems.error(file, "meta/hooks/support must be a folder of hook helpers");
      continue;
    }
    if (!(HOOK_NAMES as readonly string[]).includes(name)) {
      problems.error(file, `'${name}' is not a hook`, {
        hint: `hooks are ${HOOK_NAMES.join(", ")}; move helpers to meta/hooks/support/`,
      });
      continue;
    }
    if (!stats?.isFile()) {
      problems.error(file, "a hook must be an executable file");
      continue;
    }
    if ((stats.mode & 0o111) === 0) {
      problems.error(file, "the hook is not executable", { hint: `chmod +x ${file}` });
      continue;
    }
    found.push(name as HookName);
  }
  return found;
}
