import { execFile } from "node:child_process";
import { join } from "node:path";
import { MpmError } from "../errors/mpm-error.ts";
import type { LoadedPackage } from "../package/load-package.ts";
import type { ConfigSet } from "../package/run-config.ts";

const HOOK_TIMEOUT_MS = 120_000;

/** Runs a hook with `env` added; resolves its trimmed stdout. Failure names the package and the hook. */
function runHook(pkg: LoadedPackage, hook: string, env: Record<string, string>): Promise<string> {
  const file = join(pkg.dir, "meta", "hooks", hook);
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [],
      { cwd: pkg.dir, env: { ...process.env, ...env }, timeout: HOOK_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout.trim());
        reject(
          new MpmError(
            "MPM_E_HOOK_FAILED",
            `meta/hooks/${hook} of package ${pkg.manifest.name} failed: ${stderr.trim() || error.message}`,
            {
              hint: `run ${file} by hand with the MPM_* variables described in docs/compose.md`,
              details: { package: pkg.manifest.name, hook },
              cause: error,
            },
          ),
        );
      },
    );
  });
}

export interface HookContext {
  /** The command template so far (run.yaml, $VARs unexpanded). */
  readonly command: string;
  readonly configSet: string;
  readonly env: Readonly<Record<string, string>>;
  /** A directory whose content the hooks may fill; it becomes a layer on top of the packages. */
  readonly rootfs: string;
}

/**
 * `meta/hooks/run` of every package that has one, dependencies first: each gets the command so far in
 * MPM_COMMAND and may print a replacement on stdout (empty output keeps it) or add files under
 * MPM_ROOTFS. Returns the final command.
 */
export async function runRunHooks(packages: readonly LoadedPackage[], ctx: HookContext): Promise<string> {
  let command = ctx.command;
  for (const pkg of packages) {
    if (!pkg.hooks.includes("run")) continue;
    const out = await runHook(pkg, "run", {
      MPM_COMMAND: command,
      MPM_CONFIG_SET: ctx.configSet,
      MPM_ENV_JSON: JSON.stringify(ctx.env),
      MPM_PACKAGE_DIR: pkg.dir,
      MPM_ROOTFS: ctx.rootfs,
    });
    if (out) command = out.split("\n").pop()!;
  }
  return command;
}

/** Java options of one package: its default (or chosen) config set of runtime java. */
export interface JavaOptions {
  readonly package: string;
  readonly classpath: readonly string[];
  readonly jvmArgs: readonly string[];
  readonly xms: string | undefined;
  readonly xmx: string | undefined;
  readonly main: string | undefined;
  readonly args: readonly string[];
}

function bytesOf(size: string | undefined): number {
  const m = /^(\d+)([kmgt]?)$/i.exec(size ?? "");
  if (!m) return 0;
  return Number(m[1]) * 1024 ** " kmgt".indexOf((m[2] || " ").toLowerCase());
}

function largest(values: ReadonlyArray<string | undefined>): string {
  return values.reduce<string>((best, v) => (v && bytesOf(v) > bytesOf(best) ? v : best), "");
}

/**
 * The JVM options of all Java packages merged into one JVM: classpaths concatenated in package order
 * (duplicates dropped), JVM arguments concatenated, the largest -Xms/-Xmx, the application's main/args.
 */
export function mergeJavaOptions(all: readonly JavaOptions[]): Record<string, string> {
  const classpath = [...new Set(all.flatMap((o) => o.classpath))];
  const app = all[all.length - 1];
  return {
    MPM_JAVA_CLASSPATH: classpath.join(":"),
    MPM_JAVA_JVM_ARGS: all.flatMap((o) => o.jvmArgs).join(" "),
    MPM_JAVA_XMS: largest(all.map((o) => o.xms)),
    MPM_JAVA_XMX: largest(all.map((o) => o.xmx)),
    MPM_JAVA_MAIN: app?.main ?? "",
    MPM_JAVA_ARGS: (app?.args ?? []).join(" "),
    MPM_JAVA_PACKAGES: JSON.stringify(all),
  };
}

export function javaOptionsOf(pkg: LoadedPackage, set: ConfigSet): JavaOptions {
  return {
    package: pkg.manifest.name,
    classpath: set.classpath,
    jvmArgs: set.jvmArgs,
    xms: set.xms,
    xmx: set.xmx,
    main: set.main,
    args: set.args,
  };
}

/**
 * `meta/hooks/java-run` (of the last package that has one): gets the merged JVM options of every Java
 * package (MPM_JAVA_*) and prints the one JVM command line. Without such a hook the command stays.
 */
export async function runJavaRunHook(
  packages: readonly LoadedPackage[],
  java: readonly JavaOptions[],
  ctx: HookContext,
): Promise<string> {
  const owner = [...packages].reverse().find((p) => p.hooks.includes("java-run"));
  if (!owner || java.length === 0) return ctx.command;
  const out = await runHook(owner, "java-run", {
    ...mergeJavaOptions(java),
    MPM_COMMAND: ctx.command,
    MPM_CONFIG_SET: ctx.configSet,
    MPM_PACKAGE_DIR: owner.dir,
    MPM_ROOTFS: ctx.rootfs,
  });
  return out ? out.split("\n").pop()! : ctx.command;
}
