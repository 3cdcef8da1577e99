import { stat } from "node:fs/promises";
import { loadPackage } from "../package/load-package.ts";
import { runPull } from "../repo/commands/pull.ts";
import { readMpmManifest } from "../repo/read-mpm-manifest.ts";

async function requirementSpecs(target: string): Promise<string[]> {
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory()) {
    return (await loadPackage(target)).manifest.require.map((r) => `${r.name}@${r.range}`);
  }
  if (info?.isFile() && target.endsWith(".mpm")) {
    return (await readMpmManifest(target)).require.map((r) => `${r.name}@${r.range}`);
  }
  // An installed name, or one to fetch: pull resolves it with its dependencies.
  return [target];
}

/**
 * `compose --pull`: installs from the remote repositories whatever the target and its dependencies need
 * and the local repository lacks, with pull's sha256 checks; installed versions that fit are kept.
 */
export async function pullMissing(options: {
  readonly target: string;
  readonly repoRoot: string | undefined;
  readonly onProgress?: ((message: string) => void) | undefined;
}): Promise<void> {
  const specs = await requirementSpecs(options.target);
  if (specs.length === 0) return;
  const result = await runPull({ root: options.repoRoot, specs });
  for (const pkg of result.installed) options.onProgress?.(`pulled ${pkg.name} ${pkg.version}`);
}
