import { randomBytes } from "node:crypto";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import semver from "semver";
import { MpmError } from "../../errors/mpm-error.ts";
import {
  isValidPackageName,
  isValidRange,
  parseRequirementText,
  type Requirement,
} from "../../package/manifest.ts";
import { type Candidate, resolveDependencies } from "../../resolve/resolve-dependencies.ts";
import { type InstalledPackage, openLocalRepository } from "../local-repository.ts";
import { type DownloadProgress, downloadPackage, type RemotePackage } from "../remote-client.ts";
import { fetchAllRemotes } from "./fetch-remotes.ts";

/**
 * `mpm pull <name>[@range]...`: resolves the packages and their dependencies over the local repository
 * and every remote (highest version in range wins; an installed version is kept when it is the one
 * chosen), downloads what is missing, verifies each download's size and sha256 against the remote's
 * index, and only when every download is verified installs them, dependencies first. A failed
 * download or checksum leaves the repository unchanged.
 */
export interface PullOptions {
  readonly root?: string | undefined;
  readonly specs: readonly string[];
  readonly onProgress?: ((p: DownloadProgress) => void) | undefined;
}

export interface PullResult {
  /** Downloaded and installed, dependencies first. */
  readonly installed: readonly InstalledPackage[];
  /** Chosen and already installed. */
  readonly present: readonly string[];
  readonly warnings: readonly string[];
}

type Choice = Candidate & ({ kind: "local"; pkg: InstalledPackage } | { kind: "remote"; pkg: RemotePackage });

export async function runPull(options: PullOptions): Promise<PullResult> {
  const roots = options.specs.map(parseSpec);
  const repo = await openLocalRepository(options.root === undefined ? {} : { root: options.root });
  const remote = await fetchAllRemotes(repo.root);
  const source = {
    versions: async (name: string): Promise<Choice[]> => {
      const local: Choice[] = (await repo.versions(name)).map((pkg) => ({
        name,
        version: pkg.version,
        require: pkg.require,
        kind: "local",
        pkg,
      }));
      const offered: Choice[] = remote.packages
        .filter((p) => p.name === name && !local.some((l) => l.version === p.version))
        .sort((a, b) => semver.compare(a.version, b.version) || a.remote.localeCompare(b.remote))
        .filter((p, i, all) => all.findIndex((q) => q.version === p.version) === i)
        .map((pkg) => ({ name, version: pkg.version, require: pkg.require, kind: "remote", pkg }));
      return [...local, ...offered];
    },
  };
  let plan: Choice[];
  try {
    plan = await resolveDependencies(roots, source);
  } catch (err) {
    if (remote.warnings.length > 0 && err instanceof MpmError)
      err.message += `\n(some remotes were unreachable: ${remote.warnings.join("; ")})`;
    throw err;
  }
  const downloads = plan.filter(
    (c): c is Choice & { kind: "remote"; pkg: RemotePackage } => c.kind === "remote",
  );
  const tmp = path.join(repo.root, "tmp");
  await mkdir(tmp, { recursive: true });
  await removeStaleDownloads(tmp);
  const files: string[] = [];
  try {
    for (const choice of downloads) {
      const file = path.join(tmp, `${choice.name}-${choice.version}-${randomBytes(4).toString("hex")}.mpm`);
      files.push(file);
      await downloadPackage(choice.pkg, file, options.onProgress);
    }
    const installed: InstalledPackage[] = [];
    for (const file of files) installed.push(await repo.install(file));
    return {
      installed,
      present: plan.filter((c) => c.kind === "local").map((c) => `${c.name}@${c.version}`),
      warnings: remote.warnings,
    };
  } finally {
    for (const file of files) await rm(file, { force: true });
  }
}

/** Downloads left by a pull that was killed; an hour is far longer than any live download stalls. */
async function removeStaleDownloads(tmp: string): Promise<void> {
  const cutoff = Date.now() - 3_600_000;
  for (const name of await readdir(tmp)) {
    const file = path.join(tmp, name);
    const stats = await stat(file).catch(() => undefined);
    if (stats && stats.mtimeMs < cutoff) await rm(file, { force: true, recursive: true });
  }
}

function parseSpec(spec: string): Requirement {
  const req = parseRequirementText(spec);
  if (!isValidPackageName(req.name) || !isValidRange(req.range)) {
    throw new MpmError("MPM_E_USAGE", `'${spec}' is not name or name@range`, {
      hint: "e.g. mpm pull com.example.app@^1.2",
    });
  }
  return req;
}
