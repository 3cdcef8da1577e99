import { readFile } from "node:fs/promises";
import path from "node:path";
import { MpmError } from "../errors/mpm-error.ts";
import { type ContentFile, compileCapstanignore, listContentFiles } from "./content-files.ts";
import { type HookName, readHooks } from "./hooks.ts";
import { MANIFEST_FILE, type PackageManifest, parseManifest } from "./manifest.ts";
import { OPTS_FILE, type OptSpec, parseOpts } from "./opts.ts";
import { formatProblem, hasErrors, type Problem, ProblemList } from "./problem.ts";
import { parseRunConfig, RUN_FILE, type RunConfig } from "./run-config.ts";

/**
 * A package directory read into memory (metadata only; content stays on disk):
 *
 *   loadPackage(dir) → { dir, manifest, run, opts, hooks, readme, files }
 *
 * - manifest: meta/package.yaml (name, title, author, version, require [{name, range}], created, platform)
 * - run: meta/run.yaml or undefined; resolveBoot() in boot.ts turns it into a command line
 * - opts: meta/opts; hooks: the meta/hooks present; readme: meta/README.md text
 * - files: guest-root content (guest paths like "/usr/bin/app", excluding meta/), sorted
 *
 * loadPackage throws MPM_E_PACKAGE_NOT_FOUND without meta/package.yaml and MPM_E_PACKAGE_INVALID (with
 * details.problems) when anything is wrong; inspectPackage returns the problems instead (for validate).
 */
export interface LoadedPackage {
  /** Absolute package root on the host. */
  readonly dir: string;
  readonly manifest: PackageManifest;
  readonly run: RunConfig | undefined;
  readonly opts: readonly OptSpec[];
  readonly hooks: readonly HookName[];
  readonly readme: string | undefined;
  readonly files: readonly ContentFile[];
}

export interface PackageInspection {
  readonly dir: string;
  /** Undefined when package.yaml lacks what a package needs. */
  readonly package: LoadedPackage | undefined;
  /** Content files, listed even when the metadata is broken (validate still checks them). */
  readonly files: readonly ContentFile[];
  readonly problems: readonly Problem[];
}

export async function loadPackage(dir: string): Promise<LoadedPackage> {
  const inspection = await inspectPackage(dir);
  if (inspection.package && !hasErrors(inspection.problems)) return inspection.package;
  const errors = inspection.problems.filter((p) => p.severity === "error");
  throw new MpmError(
    "MPM_E_PACKAGE_INVALID",
    `package ${dir} has ${errors.length} problem(s):\n${errors.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
    {
      hint: "run `mpm validate` on it for every problem with its line",
      details: { problems: inspection.problems },
    },
  );
}

export async function inspectPackage(dir: string): Promise<PackageInspection> {
  const root = path.resolve(dir);
  const problems = new ProblemList();
  const manifestText = await readOptional(path.join(root, MANIFEST_FILE));
  if (manifestText === undefined) {
    throw new MpmError("MPM_E_PACKAGE_NOT_FOUND", `${root} is not a package: ${MANIFEST_FILE} is missing`, {
      hint: "run `mpm init` there, or point at the package folder",
    });
  }
  const manifest = parseManifest(manifestText, problems);
  const runText = await readOptional(path.join(root, RUN_FILE));
  const run = runText === undefined ? undefined : parseRunConfig(runText, problems);
  const optsText = await readOptional(path.join(root, OPTS_FILE));
  const opts = optsText === undefined ? [] : parseOpts(optsText, problems);
  const hooks = await readHooks(root, problems);
  const readme = await readOptional(path.join(root, "meta", "README.md"));
  const files = await listContentFiles(root, await readIgnorePatterns(root, problems));
  const pkg = manifest ? { dir: root, manifest, run, opts, hooks, readme, files } : undefined;
  return { dir: root, package: pkg, files, problems: problems.items };
}

async function readIgnorePatterns(root: string, problems: ProblemList): Promise<RegExp[]> {
  const text = await readOptional(path.join(root, ".capstanignore"));
  if (text === undefined) return [];
  const { patterns, invalid } = compileCapstanignore(text);
  for (const bad of invalid) {
    problems.error(".capstanignore", `pattern '${bad.pattern}' is not allowed`, {
      line: bad.line,
      hint: "patterns start with / and /meta cannot be ignored",
    });
  }
  return patterns;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new MpmError("MPM_E_IO", `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}
