import { isMpmError } from "../../errors/mpm-error.ts";
import { openLocalRepository } from "../../repo/local-repository.ts";
import { resolveDependencies } from "../../resolve/resolve-dependencies.ts";
import { checkElfFiles, type GuestTarget, OSV_BASE_LIBRARIES } from "../check-elf.ts";
import { inspectPackage, type LoadedPackage } from "../load-package.ts";
import { hasErrors, type Problem, ProblemList } from "../problem.ts";

/**
 * `mpm validate [dir]`: every problem of a package at once — package.yaml, run.yaml, opts, hooks,
 * .capstanignore, and every ELF file (checked against the package, its installed dependencies and the
 * base libraries).
 */
export interface ValidateOptions {
  readonly dir: string;
  /** "osv" (default): non-PIE executables are errors; "linux": warnings. */
  readonly target?: GuestTarget | undefined;
  /** Local repository holding the dependencies (default $MPM_ROOT or ~/.mpm). */
  readonly root?: string | undefined;
  /** Extra library names the base provides, besides OSv's built-in set. */
  readonly baseLibraries?: readonly string[] | undefined;
}

export interface ValidateResult {
  readonly dir: string;
  readonly package: LoadedPackage | undefined;
  readonly problems: readonly Problem[];
  readonly elfFiles: number;
  /** name@version of the dependencies whose files were considered. */
  readonly dependencies: readonly string[];
  readonly ok: boolean;
}

export async function runValidate(options: ValidateOptions): Promise<ValidateResult> {
  const inspection = await inspectPackage(options.dir);
  const problems = new ProblemList();
  problems.add(inspection.problems);
  const pkg = inspection.package;
  const deps = pkg
    ? await dependencyPaths(pkg, options.root, problems)
    : { paths: new Set<string>(), names: [] };
  const elfOptions = {
    target: options.target ?? "osv",
    dependencyPaths: deps.paths,
    baseLibraries: [...OSV_BASE_LIBRARIES, ...(options.baseLibraries ?? [])],
  };
  const elfFiles = await checkElfFiles(inspection.files, elfOptions, problems);
  return {
    dir: inspection.dir,
    package: pkg,
    problems: problems.items,
    elfFiles,
    dependencies: deps.names,
    ok: !hasErrors(problems.items),
  };
}

async function dependencyPaths(
  pkg: LoadedPackage,
  root: string | undefined,
  problems: ProblemList,
): Promise<{ paths: Set<string>; names: string[] }> {
  const paths = new Set<string>();
  if (pkg.manifest.require.length === 0) return { paths, names: [] };
  const repo = await openLocalRepository(root === undefined ? {} : { root });
  try {
    const closure = await resolveDependencies(pkg.manifest.require, repo);
    for (const dep of closure) {
      const loaded = await repo.load(dep);
      for (const f of loaded.files) if (f.type !== "dir") paths.add(f.path);
    }
    return { paths, names: closure.map((d) => `${d.name}@${d.version}`) };
  } catch (err) {
    if (!isMpmError(err)) throw err;
    problems.warning(
      "meta/package.yaml",
      `dependencies are not all installed, so their libraries were not considered: ${err.message}`,
      {
        field: "require",
        hint: "install them (mpm install / mpm pull) and validate again",
      },
    );
    return { paths, names: [] };
  }
}
