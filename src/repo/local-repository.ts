import { mkdir, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import semver from "semver";
import { extractMpm } from "../archive/extract-mpm.ts";
import { sha256File } from "../archive/write-mpm.ts";
import { MpmError } from "../errors/mpm-error.ts";
import { type LoadedPackage, loadPackage } from "../package/load-package.ts";
import type { Candidate, DependencySource } from "../resolve/resolve-dependencies.ts";
import { satisfies } from "../resolve/resolve-dependencies.ts";
import { type IndexEntry, readIndex, writeIndex } from "./repository-index.ts";
import { withRepositoryLock } from "./repository-lock.ts";

/**
 * The local repository, embedded (no server): `$MPM_ROOT` or `~/.mpm`.
 *
 *   <root>/packages.json      index of installed packages (replaced atomically)
 *   <root>/store/<sha256>/    each installed package unpacked (a package directory, loadPackage-able)
 *   <root>/lock               writer lock (pid)
 *
 * install() extracts into store/ through a temp folder renamed into place, then swaps the index; a
 * process killed at any point leaves either the old or the new index, both pointing only at complete
 * folders. Unreferenced store folders are removed by the next writer.
 *
 *   const repo = await openLocalRepository({ root });
 *   await repo.install("app.mpm"); await repo.list(); await repo.find("app", "^1");
 *   await repo.load(installed) → LoadedPackage; await repo.remove("app");
 * The repository is also a DependencySource for resolveDependencies().
 */
export interface InstalledPackage extends Candidate {
  readonly title: string;
  readonly author: string;
  readonly sha256: string;
  readonly installedAt: string;
  /** The unpacked package directory. */
  readonly dir: string;
}

export interface LocalRepository extends DependencySource<InstalledPackage> {
  readonly root: string;
  install(file: string): Promise<InstalledPackage>;
  list(): Promise<InstalledPackage[]>;
  /** Highest installed version of `name` within `range` (default any). */
  find(name: string, range?: string): Promise<InstalledPackage | undefined>;
  /** Like find, but throws MPM_E_REPO_NOT_INSTALLED. */
  get(name: string, range?: string): Promise<InstalledPackage>;
  load(installed: InstalledPackage): Promise<LoadedPackage>;
  /** Removes every installed version of `name` (or only `version`); refused while another package needs it. */
  remove(name: string, options?: { version?: string }): Promise<InstalledPackage[]>;
}

export function defaultRepositoryRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env["MPM_ROOT"] || path.join(os.homedir(), ".mpm"));
}

export async function openLocalRepository(options: { root?: string } = {}): Promise<LocalRepository> {
  const root = path.resolve(options.root ?? defaultRepositoryRoot());
  await mkdir(path.join(root, "store"), { recursive: true });
  return new FileRepository(root);
}

class FileRepository implements LocalRepository {
  readonly root: string;
  private readonly indexFile: string;
  private readonly storeDir: string;
  private readonly lockFile: string;

  constructor(root: string) {
    this.root = root;
    this.indexFile = path.join(root, "packages.json");
    this.storeDir = path.join(root, "store");
    this.lockFile = path.join(root, "lock");
  }

  async install(file: string): Promise<InstalledPackage> {
    const sha256 = await sha256File(file).catch((err) => {
      throw new MpmError("MPM_E_IO", `cannot read ${file}: ${(err as Error).message}`, { cause: err });
    });
    return withRepositoryLock(this.lockFile, async () => {
      const dir = path.join(this.storeDir, sha256);
      const entries = await readIndex(this.indexFile);
      const reused = entries.some((e) => e.sha256 === sha256);
      if (!reused) {
        await rm(dir, { recursive: true, force: true });
        await extractMpm(file, dir);
      }
      let pkg: LoadedPackage;
      try {
        pkg = await loadPackage(dir);
      } catch (err) {
        if (!reused) await rm(dir, { recursive: true, force: true });
        throw err;
      }
      const { manifest } = pkg;
      const entry: IndexEntry = {
        name: manifest.name,
        version: manifest.version,
        title: manifest.title,
        author: manifest.author,
        require: manifest.require,
        sha256,
        installedAt: new Date().toISOString(),
      };
      const kept = entries.filter((e) => !(e.name === entry.name && e.version === entry.version));
      await writeIndex(this.indexFile, [...kept, entry]);
      await this.collectGarbage([...kept, entry]);
      return this.toInstalled(entry);
    });
  }

  async list(): Promise<InstalledPackage[]> {
    return (await readIndex(this.indexFile)).map((e) => this.toInstalled(e));
  }

  async versions(name: string): Promise<InstalledPackage[]> {
    return (await this.list()).filter((p) => p.name === name);
  }

  async find(name: string, range = "*"): Promise<InstalledPackage | undefined> {
    const matching = (await this.versions(name)).filter((p) => satisfies(p.version, range));
    return matching.sort((a, b) => semver.rcompare(a.version, b.version))[0];
  }

  async get(name: string, range = "*"): Promise<InstalledPackage> {
    const found = await this.find(name, range);
    if (found) return found;
    const installed = (await this.versions(name)).map((p) => p.version);
    const what = range === "*" ? name : `${name}@${range}`;
    throw new MpmError(
      "MPM_E_REPO_NOT_INSTALLED",
      `${what} is not installed in ${this.root}${installed.length ? ` (installed: ${installed.join(", ")})` : ""}`,
      {
        hint: `install it with \`mpm install <file.mpm>\` or \`mpm pull ${what}\``,
      },
    );
  }

  load(installed: InstalledPackage): Promise<LoadedPackage> {
    return loadPackage(installed.dir);
  }

  async remove(name: string, options: { version?: string } = {}): Promise<InstalledPackage[]> {
    return withRepositoryLock(this.lockFile, async () => {
      const entries = await readIndex(this.indexFile);
      const removed = entries.filter(
        (e) => e.name === name && (options.version === undefined || e.version === options.version),
      );
      if (removed.length === 0) {
        const what = options.version ? `${name} ${options.version}` : name;
        throw new MpmError("MPM_E_REPO_NOT_INSTALLED", `${what} is not installed in ${this.root}`, {
          hint: "see `mpm list`",
        });
      }
      const kept = entries.filter((e) => !removed.includes(e));
      for (const dependent of kept) {
        const req = dependent.require.find((r) => r.name === name);
        if (req && !kept.some((e) => e.name === name && satisfies(e.version, req.range))) {
          throw new MpmError(
            "MPM_E_REPO_IN_USE",
            `cannot remove ${name}: ${dependent.name} ${dependent.version} requires ${name}@${req.range}`,
            {
              hint: `remove ${dependent.name} first`,
            },
          );
        }
      }
      await writeIndex(this.indexFile, kept);
      await this.collectGarbage(kept);
      return removed.map((e) => this.toInstalled(e));
    });
  }

  /** Deletes store folders no index entry points at (left by killed installs or removals). */
  private async collectGarbage(entries: readonly IndexEntry[]): Promise<void> {
    const live = new Set(entries.map((e) => e.sha256));
    for (const name of await readdir(this.storeDir)) {
      if (!live.has(name)) await rm(path.join(this.storeDir, name), { recursive: true, force: true });
    }
  }

  private toInstalled(entry: IndexEntry): InstalledPackage {
    return { ...entry, dir: path.join(this.storeDir, entry.sha256) };
  }
}
