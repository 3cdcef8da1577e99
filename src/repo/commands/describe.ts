import { isMpmError } from "../../errors/mpm-error.ts";
import { type ResolvedBoot, resolveBoot } from "../../package/boot.ts";
import type { LoadedPackage } from "../../package/load-package.ts";
import { resolveDependencies } from "../../resolve/resolve-dependencies.ts";
import { type InstalledPackage, openLocalRepository } from "../local-repository.ts";
import { dependencyTree, formatTree, type TreeNode } from "./dependency-tree.ts";

/** `mpm describe <name>[@range]`: metadata, files, dependency tree, boot commands, opts and README. */
export interface DescribeResult {
  readonly installed: InstalledPackage;
  readonly package: LoadedPackage;
  readonly tree: readonly TreeNode[];
  /** Each config set with its resolved command, or why it cannot be resolved. */
  readonly boots: ReadonlyArray<{ configSet: string; boot?: ResolvedBoot; error?: string }>;
}

export async function runDescribe(options: {
  readonly root?: string | undefined;
  readonly name: string;
  readonly range?: string | undefined;
}): Promise<DescribeResult> {
  const repo = await openLocalRepository(options.root === undefined ? {} : { root: options.root });
  const installed = await repo.get(options.name, options.range ?? "*");
  const pkg = await repo.load(installed);
  const tree = await dependencyTree(pkg.manifest.require, repo);
  const packages = new Map<string, LoadedPackage>();
  try {
    for (const dep of await resolveDependencies(pkg.manifest.require, repo))
      packages.set(dep.name, await repo.load(dep));
  } catch (err) {
    if (!isMpmError(err)) throw err;
  }
  const boots = (pkg.run?.configSets ?? []).map((set) => {
    try {
      return { configSet: set.name, boot: resolveBoot(pkg, { configSet: set.name, packages }) };
    } catch (err) {
      if (!isMpmError(err)) throw err;
      return { configSet: set.name, error: err.message };
    }
  });
  return { installed, package: pkg, tree, boots };
}

export function formatDescribe(result: DescribeResult): string {
  const { manifest, run, opts, hooks, files, readme } = result.package;
  const lines = [
    `name:     ${manifest.name}`,
    `title:    ${manifest.title}`,
    `author:   ${manifest.author}`,
    `version:  ${manifest.version}`,
    `created:  ${manifest.created ?? "N/A"}`,
    ...(manifest.platform ? [`platform: ${manifest.platform}`] : []),
    `sha256:   ${result.installed.sha256}`,
    "",
    "dependencies:",
    ...(result.tree.length ? formatTree(result.tree, "  ") : ["  (none)"]),
    "",
    `run (${run ? `runtime ${run.runtime}, default ${run.defaultConfigSets.join(",") || "none"}` : "no run.yaml"}):`,
    ...result.boots.map(
      (b) => `  ${b.configSet}: ${b.boot ? b.boot.command : `(cannot resolve: ${b.error})`}`,
    ),
  ];
  if (opts.length) {
    lines.push("", "options (--opt name=value):");
    for (const o of opts) {
      const names = [o.long && `--${o.long}`, o.short && `-${o.short}`].filter(Boolean).join(", ");
      lines.push(
        `  ${names}  ${o.description ?? ""}${o.default !== undefined ? ` (default ${o.default})` : ""} → $${o.env}`,
      );
    }
  }
  if (hooks.length) lines.push("", `hooks: ${hooks.join(", ")}`);
  const contentFiles = files.filter((f) => f.type !== "dir");
  lines.push(
    "",
    `files (${contentFiles.length}):`,
    ...contentFiles.map((f) => `  ${f.path}${f.type === "symlink" ? ` -> ${f.linkTarget}` : ""}`),
  );
  if (readme) lines.push("", "README:", readme.trimEnd());
  return `${lines.join("\n")}\n`;
}
