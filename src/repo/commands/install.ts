import { isMpmError } from "../../errors/mpm-error.ts";
import { resolveDependencies } from "../../resolve/resolve-dependencies.ts";
import { type InstalledPackage, openLocalRepository } from "../local-repository.ts";

/** `mpm install <file.mpm>...`: adds built packages to the local repository, one atomic step each. */
export interface InstallOptions {
  readonly root?: string | undefined;
  readonly files: readonly string[];
}

export interface InstallResult {
  readonly installed: readonly InstalledPackage[];
  /** Dependencies that are still missing (the packages are installed anyway; compose needs them). */
  readonly warnings: readonly string[];
}

export async function runInstall(options: InstallOptions): Promise<InstallResult> {
  const repo = await openLocalRepository(options.root === undefined ? {} : { root: options.root });
  const installed: InstalledPackage[] = [];
  for (const file of options.files) installed.push(await repo.install(file));
  const warnings: string[] = [];
  for (const pkg of installed) {
    try {
      await resolveDependencies(pkg.require, repo);
    } catch (err) {
      if (!isMpmError(err)) throw err;
      warnings.push(`${pkg.name}@${pkg.version}: ${err.message}`);
    }
  }
  return { installed, warnings };
}
