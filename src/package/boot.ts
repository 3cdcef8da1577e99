import { MpmError } from "../errors/mpm-error.ts";
import type { PackageManifest } from "./manifest.ts";
import { applyOpts, type OptSpec } from "./opts.ts";
import type { ConfigSet, RunConfig, Runtime } from "./run-config.ts";

/**
 * Turns a run.yaml config set into the command a guest runs, as Capstan does:
 * - native: `bootcmd` as written;
 * - node / python / java: the runtime's base config set ("node-4.4.5:node", "python-2.7:python",
 *   "openjdk8-zulu-compact1:java" — Capstan's names) with variables NODE_ARGS/PYTHON_ARGS/JVM_ARGS,
 *   XMS, XMX, CLASSPATH, MAIN, ARGS taken from the config set. When that base package is among
 *   `packages` its own bootcmd is used; otherwise a built-in equivalent (`node $NODE_ARGS $MAIN $ARGS`...).
 * - `base: pkg:set` inherits the bootcmd of a required package's config set; the child's env wins.
 * run.yaml env and opt defaults are soft (Capstan's `--env=K?=V`); --opt values and env overrides are
 * hard and win. `$VAR`/`${VAR}` in the command are expanded with the final env; a variable that is unset
 * or empty expands to nothing (Capstan needed dummy values like "--" for that; we do not).
 */
export interface BootablePackage {
  readonly manifest: PackageManifest;
  readonly run: RunConfig | undefined;
  readonly opts?: readonly OptSpec[];
}

export interface BootOverrides {
  /** Config set name; the package's config_set_default when omitted. */
  readonly configSet?: string | undefined;
  /** Hard environment (like `mpm run --env K=V`), wins over everything. */
  readonly env?: Readonly<Record<string, string>>;
  /** meta/opts values by long or short name (`--opt name=value`). */
  readonly opts?: Readonly<Record<string, string>>;
  /** Other packages of the image (dependencies), by name, for `base` references. */
  readonly packages?: ReadonlyMap<string, BootablePackage>;
}

export interface ResolvedBoot {
  readonly configSet: string;
  /** The application command line, variables expanded. */
  readonly command: string;
  /** The command before expansion (what Capstan writes to /run/<config_set>). */
  readonly template: string;
  /** The final environment: defaults overridden by hard values. */
  readonly env: Readonly<Record<string, string>>;
  /** Soft values only (run.yaml env, runtime variables, opt defaults). */
  readonly defaults: Readonly<Record<string, string>>;
  /** Hard values only (--opt values, env overrides). */
  readonly overrides: Readonly<Record<string, string>>;
}

interface Template {
  readonly bootcmd: string;
  readonly env: Record<string, string>;
}

type HighLevel = Exclude<Runtime, "native">;

/** Capstan's runtime packages and an equivalent command for guests that do not carry them. */
export const RUNTIME_BASES: Readonly<Record<HighLevel, { package: string; configSet: string } & Template>> = {
  node: { package: "node-4.4.5", configSet: "node", bootcmd: "node $NODE_ARGS $MAIN $ARGS", env: {} },
  python: { package: "python-2.7", configSet: "python", bootcmd: "python $PYTHON_ARGS $MAIN $ARGS", env: {} },
  java: {
    package: "openjdk8-zulu-compact1",
    configSet: "java",
    bootcmd: "java -Xms$XMS -Xmx$XMX -cp $CLASSPATH $JVM_ARGS $MAIN $ARGS",
    env: { XMS: "512m", XMX: "512m", CLASSPATH: "/", JVM_ARGS: "-Duser.dir=/" },
  },
};

/** The package Capstan implicitly requires for a runtime (none for native). */
export function runtimePackage(runtime: Runtime): string | undefined {
  return runtime === "native" ? undefined : RUNTIME_BASES[runtime].package;
}

export function resolveBoot(pkg: BootablePackage, overrides: BootOverrides = {}): ResolvedBoot {
  const name = pickConfigSet(pkg, overrides.configSet);
  const template = resolveTemplate(pkg, name, overrides.packages ?? new Map(), [pkg.manifest.name]);
  const opts = applyOpts(pkg.opts ?? [], overrides.opts ?? {}, `package ${pkg.manifest.name}`);
  const defaults = { ...opts.defaults, ...template.env };
  const hard = { ...opts.values, ...(overrides.env ?? {}) };
  const env = { ...defaults, ...hard };
  return {
    configSet: name,
    command: expandVariables(template.bootcmd, env),
    template: template.bootcmd,
    env,
    defaults,
    overrides: hard,
  };
}

function pickConfigSet(pkg: BootablePackage, requested: string | undefined): string {
  const run = pkg.run;
  if (!run) {
    throw new MpmError(
      "MPM_E_RUN_CONFIG",
      `package ${pkg.manifest.name} has no meta/run.yaml, so it has no boot command`,
      {
        hint: "add meta/run.yaml (mpm init --runtime native) or give the command line explicitly",
      },
    );
  }
  const names = run.configSets.map((c) => c.name);
  if (requested !== undefined) {
    if (!names.includes(requested)) {
      throw new MpmError(
        "MPM_E_RUN_CONFIG",
        `package ${pkg.manifest.name} has no config set '${requested}'`,
        {
          hint: `its config sets (meta/run.yaml): ${names.join(", ")}`,
        },
      );
    }
    return requested;
  }
  if (run.defaultConfigSets.length > 1) {
    throw new MpmError(
      "MPM_E_RUN_CONFIG",
      `config_set_default of ${pkg.manifest.name} chains ${run.defaultConfigSets.join(", ")}; one guest runs one application`,
      {
        hint: "name the config set to boot explicitly",
      },
    );
  }
  const chosen = run.defaultConfigSets[0] ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined) {
    throw new MpmError(
      "MPM_E_RUN_CONFIG",
      `package ${pkg.manifest.name} has several config sets and no config_set_default`,
      {
        hint: `name one of: ${names.join(", ")}`,
      },
    );
  }
  return chosen;
}

function resolveTemplate(
  pkg: BootablePackage,
  setName: string,
  packages: ReadonlyMap<string, BootablePackage>,
  chain: string[],
): Template {
  const run = pkg.run!;
  const set = run.configSets.find((c) => c.name === setName);
  if (!set) {
    throw new MpmError(
      "MPM_E_RUN_CONFIG",
      `package ${pkg.manifest.name} has no config set '${setName}' (needed by ${chain.join(" -> ")})`,
      {
        hint: `its config sets: ${run.configSets.map((c) => c.name).join(", ")}`,
      },
    );
  }
  const own = { ...set.env, ...runtimeVariables(run.runtime, set) };
  const base = set.base ?? defaultBase(run.runtime);
  if (!base) return { bootcmd: set.bootcmd ?? "", env: own };
  const inherited = baseTemplate(base, run.runtime, packages, [
    ...chain,
    `${base.package}:${base.configSet}`,
  ]);
  if (inherited === undefined) {
    throw new MpmError(
      "MPM_E_RUN_CONFIG",
      `config set '${setName}' of ${pkg.manifest.name} has base ${base.package}:${base.configSet}, but ${base.package} is not among the image's packages`,
      {
        hint: `add ${base.package} to require in meta/package.yaml and install it`,
      },
    );
  }
  return { bootcmd: inherited.bootcmd, env: { ...inherited.env, ...own } };
}

function defaultBase(runtime: Runtime): { package: string; configSet: string } | undefined {
  return runtime === "native" ? undefined : RUNTIME_BASES[runtime];
}

function baseTemplate(
  base: { package: string; configSet: string },
  runtime: Runtime,
  packages: ReadonlyMap<string, BootablePackage>,
  chain: string[],
): Template | undefined {
  if (chain.slice(0, -1).includes(chain[chain.length - 1]!)) {
    throw new MpmError("MPM_E_RUN_CONFIG", `run.yaml base references form a cycle: ${chain.join(" -> ")}`, {
      hint: "remove one of the base: entries",
    });
  }
  const provider = packages.get(base.package);
  if (provider?.run) return resolveTemplate(provider, base.configSet, packages, chain);
  const builtin = runtime === "native" ? undefined : RUNTIME_BASES[runtime];
  if (builtin && builtin.package === base.package && builtin.configSet === base.configSet) {
    return { bootcmd: builtin.bootcmd, env: { ...builtin.env } };
  }
  return undefined;
}

function runtimeVariables(runtime: Runtime, set: ConfigSet): Record<string, string> {
  const args = set.args.join(" ");
  switch (runtime) {
    case "native":
      return {};
    case "node":
      return { NODE_ARGS: set.nodeArgs.join(" "), MAIN: set.shell ? "" : (set.main ?? ""), ARGS: args };
    case "python":
      return { PYTHON_ARGS: set.pythonArgs.join(" "), MAIN: set.shell ? "-" : (set.main ?? ""), ARGS: args };
    case "java": {
      const main = set.main ?? "";
      const vars: Record<string, string> = {
        MAIN: main.endsWith(".jar") ? `-jar ${main}` : main,
        ARGS: args,
      };
      if (set.xms) vars["XMS"] = set.xms;
      if (set.xmx) vars["XMX"] = set.xmx;
      if (set.classpath.length > 0) vars["CLASSPATH"] = set.classpath.join(":");
      if (set.jvmArgs.length > 0) vars["JVM_ARGS"] = set.jvmArgs.join(" ");
      return vars;
    }
  }
}

/** Expands $VAR and ${VAR}; unset variables expand to nothing and the spaces around them collapse. */
export function expandVariables(template: string, env: Readonly<Record<string, string>>): string {
  const expanded = template.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, braced, bare) => env[braced ?? bare] ?? "",
  );
  return expanded.replace(/[ \t]+/g, " ").trim();
}

/**
 * The text Capstan writes to the guest's /run/<config_set>: one `--env=K?=V` per soft variable (sorted,
 * where Capstan's order was random) and then the unexpanded command. For OSv-layout images.
 */
export function capstanRunScript(boot: ResolvedBoot): string {
  const prefix = Object.keys(boot.defaults)
    .sort()
    .filter((key) => boot.defaults[key] !== "")
    .map((key) => `--env=${key}?=${boot.defaults[key]} `)
    .join("");
  return `${prefix}${boot.template}`;
}

/** OSv's image command line for config sets stored as /run files: hard env first, then `runscript /run/<set>;`. */
export function capstanCommandLine(
  configSets: readonly string[],
  hardEnv: Readonly<Record<string, string>> = {},
): string {
  const env = Object.keys(hardEnv)
    .sort()
    .map((key) => `--env=${key}=${hardEnv[key]} `)
    .join("");
  return env + configSets.map((name) => `runscript /run/${name};`).join("");
}
