import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractMpm } from "../archive/extract-mpm.ts";
import { MpmError } from "../errors/mpm-error.ts";
import { type LoadedPackage, loadPackage } from "../package/load-package.ts";
import { parseRequirementText } from "../package/manifest.ts";
import type { LocalRepository } from "../repo/local-repository.ts";
import { resolveDependencies } from "../resolve/resolve-dependencies.ts";

export interface ComposeSet {
  /** Every package of the image, dependencies first, the application last. */
  readonly packages: readonly LoadedPackage[];
  /** Removes temporary extractions. */
  readonly dispose: () => Promise<void>;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * The application package named by `target` — a package directory, a built .mpm file, or `name[@range]`
 * installed in the local repository — and its dependencies from the local repository.
 */
export async function loadComposeSet(target: string, repo: LocalRepository): Promise<ComposeSet> {
  const temps: string[] = [];
  const dispose = async () => {
    for (const t of temps) await rm(t, { recursive: true, force: true });
  };
  try {
    let app: LoadedPackage;
    if (await isDirectory(target)) {
      app = await loadPackage(target);
    } else if (target.endsWith(".mpm") && (await stat(target).catch(() => undefined))) {
      const work = await mkdtemp(join(tmpdir(), "mpm-compose-"));
      temps.push(work);
      await extractMpm(target, join(work, "package"));
      app = await loadPackage(join(work, "package"));
    } else {
      const { name, range } = parseRequirementText(target);
      const installed = await repo.find(name, range);
      if (!installed) {
        throw new MpmError(
          "MPM_E_REPO_NOT_INSTALLED",
          `'${target}' is not a package directory, a .mpm file or an installed package`,
          {
            hint: "give a package folder (with meta/package.yaml), a .mpm, or install the package first (mpm install / mpm pull)",
            details: { target },
          },
        );
      }
      app = await repo.load(installed);
    }
    const deps = await resolveDependencies(app.manifest.require, repo);
    const loaded = [];
    for (const dep of deps) if (dep.name !== app.manifest.name) loaded.push(await repo.load(dep));
    return { packages: [...loaded, app], dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
