import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BootablePackage, type ResolvedBoot, resolveBoot } from "../package/boot.ts";
import type { LoadedPackage } from "../package/load-package.ts";
import type { ConfigSet } from "../package/run-config.ts";
import { type JavaOptions, javaOptionsOf, runJavaRunHook, runRunHooks } from "./compose-hooks.ts";

export interface BootPlan {
  readonly boot: ResolvedBoot;
  /** Final command template after hooks ($VARs expanded by the guest's shell at boot). */
  readonly command: string;
  /** meta/opts names (long and short) -> environment variable, for run-time --opt. */
  readonly optEnv: Record<string, string>;
  /** Files the hooks wrote under MPM_ROOTFS (a directory to add as a layer), removed by dispose(). */
  readonly hookRoot: string;
  readonly dispose: () => Promise<void>;
}

function defaultSet(pkg: LoadedPackage): ConfigSet | undefined {
  const run = pkg.run;
  if (!run) return undefined;
  const name = run.defaultConfigSets[0];
  return run.configSets.find((c) => c.name === name) ?? run.configSets[0];
}

/**
 * Decides what the guest runs: the app's config set (run.yaml, Capstan's semantics, via resolveBoot),
 * then meta/hooks/run of each package and meta/hooks/java-run over all Java packages.
 */
export async function planBoot(
  packages: readonly LoadedPackage[],
  overrides: { configSet?: string; env: Record<string, string>; opts: Record<string, string> },
): Promise<BootPlan> {
  const app = packages[packages.length - 1]!;
  const byName = new Map<string, BootablePackage>(packages.map((p) => [p.manifest.name, p]));
  const boot = resolveBoot(app, {
    configSet: overrides.configSet,
    env: overrides.env,
    opts: overrides.opts,
    packages: byName,
  });
  const hookRoot = await mkdtemp(join(tmpdir(), "mpm-hook-root-"));
  const dispose = () => rm(hookRoot, { recursive: true, force: true });
  try {
    const ctx = { command: boot.template, configSet: boot.configSet, env: boot.env, rootfs: hookRoot };
    let command = await runRunHooks(packages, ctx);
    const java: JavaOptions[] = [];
    for (const pkg of packages) {
      if (pkg.run?.runtime !== "java") continue;
      const set = pkg === app ? pkg.run.configSets.find((c) => c.name === boot.configSet) : defaultSet(pkg);
      if (set) java.push(javaOptionsOf(pkg, set));
    }
    command = await runJavaRunHook(packages, java, { ...ctx, command });
    const optEnv: Record<string, string> = {};
    for (const spec of app.opts) {
      if (spec.long) optEnv[spec.long] = spec.env;
      if (spec.short) optEnv[spec.short] = spec.env;
    }
    return { boot, command, optEnv, hookRoot, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
