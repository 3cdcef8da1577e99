import { FieldReader } from "./field-reader.ts";
import { isValidPackageName } from "./manifest.ts";
import type { ProblemList } from "./problem.ts";
import { isMap, mapEntries, YamlSource } from "./yaml-source.ts";

/**
 * meta/run.yaml with Capstan's semantics: a runtime (native | node | java | python), named config sets
 * (at least one), an optional default (comma-separated names chain several), and per set `env` (soft
 * defaults, written `--env=K?=V` by Capstan), `base` ("package:config_set" inheritance) and the
 * runtime's own keys. resolveBoot() in boot.ts turns a config set into a command line.
 */
export const RUNTIMES = ["native", "node", "java", "python"] as const;
export type Runtime = (typeof RUNTIMES)[number];

export interface BaseRef {
  readonly package: string;
  readonly configSet: string;
}

export interface ConfigSet {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  readonly base: BaseRef | undefined;
  /** native: the command line; may use $VAR from env. */
  readonly bootcmd: string | undefined;
  /** node/java/python: the script, module or jar to run. */
  readonly main: string | undefined;
  readonly args: readonly string[];
  /** node/python: run the interactive interpreter instead of `main`. */
  readonly shell: boolean;
  readonly nodeArgs: readonly string[];
  readonly pythonArgs: readonly string[];
  readonly jvmArgs: readonly string[];
  readonly classpath: readonly string[];
  readonly xms: string | undefined;
  readonly xmx: string | undefined;
}

export interface RunConfig {
  readonly runtime: Runtime;
  /** Config sets in file order. */
  readonly configSets: readonly ConfigSet[];
  /** config_set_default split on ","; empty when absent. */
  readonly defaultConfigSets: readonly string[];
}

export const RUN_FILE = "meta/run.yaml";

const COMMON_KEYS = ["env", "base"];
const RUNTIME_KEYS: Record<Runtime, readonly string[]> = {
  native: ["bootcmd"],
  node: ["main", "args", "node_args", "shell"],
  python: ["main", "args", "python_args", "shell"],
  java: ["main", "args", "classpath", "xms", "xmx", "jvm_args"],
};

export function isRuntime(value: string): value is Runtime {
  return (RUNTIMES as readonly string[]).includes(value);
}

export function parseRunConfig(text: string, problems: ProblemList, file = RUN_FILE): RunConfig | undefined {
  const source = YamlSource.parse(file, text, problems);
  if (source.root === null) {
    if (problems.items.length === 0)
      problems.error(file, "run.yaml is empty", { hint: "delete it or add a runtime and a config_set" });
    return undefined;
  }
  const read = new FieldReader(source, problems);
  if (!isMap(source.root)) {
    read.error([], "run.yaml must be a map with runtime and config_set");
    return undefined;
  }
  read.unknownKeys([], ["runtime", "config_set", "config_set_default"]);
  const runtimeText = read.string(["runtime"], { required: true, hint: `use one of ${RUNTIMES.join(", ")}` });
  let runtime: Runtime | undefined;
  if (runtimeText !== undefined) {
    if (isRuntime(runtimeText)) runtime = runtimeText;
    else read.error(["runtime"], `unknown runtime '${runtimeText}'`, `use one of ${RUNTIMES.join(", ")}`);
  }
  const configSets = runtime ? readConfigSets(read, runtime) : [];
  const defaultText = read.string(["config_set_default"]);
  const defaultConfigSets = defaultText
    ? defaultText
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  for (const name of defaultConfigSets) {
    if (runtime && !configSets.some((c) => c.name === name)) {
      read.error(
        ["config_set_default"],
        `config set '${name}' is not defined in config_set`,
        `define it or use one of: ${configSets.map((c) => c.name).join(", ")}`,
      );
    }
  }
  if (!runtime) return undefined;
  return { runtime, configSets, defaultConfigSets };
}

function readConfigSets(read: FieldReader, runtime: Runtime): ConfigSet[] {
  if (!read.isMap(["config_set"]) || mapEntries(read.source.node(["config_set"])).length === 0) {
    read.error(
      ["config_set"],
      "at least one config_set must be provided",
      "add `config_set: { default: { ... } }`",
    );
    return [];
  }
  const out: ConfigSet[] = [];
  for (const [name] of mapEntries(read.source.node(["config_set"]))) {
    const set = readConfigSet(read, runtime, name);
    if (set) out.push(set);
  }
  return out;
}

function readConfigSet(read: FieldReader, runtime: Runtime, name: string): ConfigSet | undefined {
  const path = ["config_set", name];
  if (!read.isMap(path)) {
    read.error(
      path,
      "a config set must be a map of settings",
      `see the ${runtime} keys: ${RUNTIME_KEYS[runtime].join(", ")}`,
    );
    return undefined;
  }
  read.unknownKeys(path, [...COMMON_KEYS, ...RUNTIME_KEYS[runtime]]);
  const env = read.stringMap([...path, "env"]) ?? {};
  for (const [key, value] of Object.entries(env)) {
    // Capstan rejects spaces: the value becomes one `--env=K?=V` word on OSv's command line.
    if (/\s/.test(key) || /\s/.test(value)) {
      read.error(
        [...path, "env", key],
        "environment names and values must not contain spaces",
        "quote nothing; split the value or use args",
      );
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      read.error([...path, "env", key], `'${key}' is not a valid variable name`);
  }
  const base = readBase(read, [...path, "base"]);
  const set: ConfigSet = {
    name,
    env,
    base,
    bootcmd: read.string([...path, "bootcmd"]),
    main: read.string([...path, "main"]),
    args: read.stringList([...path, "args"]) ?? [],
    shell: read.boolean([...path, "shell"]) ?? false,
    nodeArgs: read.stringList([...path, "node_args"]) ?? [],
    pythonArgs: read.stringList([...path, "python_args"]) ?? [],
    jvmArgs: read.stringList([...path, "jvm_args"]) ?? [],
    classpath: read.stringList([...path, "classpath"]) ?? [],
    xms: read.string([...path, "xms"]),
    xmx: read.string([...path, "xmx"]),
  };
  checkRequiredKeys(read, runtime, set);
  return set;
}

function checkRequiredKeys(read: FieldReader, runtime: Runtime, set: ConfigSet): void {
  const path = ["config_set", set.name];
  if (runtime === "native" && set.bootcmd === undefined && set.base === undefined) {
    read.error(
      [...path, "bootcmd"],
      "'bootcmd' must be provided (or a base to inherit it from)",
      "add `bootcmd: /usr/bin/app --flag`",
    );
  }
  if ((runtime === "node" || runtime === "python") && set.main === undefined && !set.shell) {
    read.error([...path, "main"], "'main' must be provided unless shell: true", "add `main: /app/main.js`");
  }
  if (runtime === "java" && set.main === undefined) {
    read.error(
      [...path, "main"],
      "'main' must be provided",
      "add `main: com.example.Main` or `main: /app.jar`",
    );
  }
}

function readBase(read: FieldReader, path: string[]): BaseRef | undefined {
  const text = read.string(path);
  if (text === undefined) return undefined;
  const [pkg, configSet, ...rest] = text.split(":");
  if (!pkg || !configSet || rest.length > 0 || !isValidPackageName(pkg)) {
    read.error(path, `'${text}' is not a base reference`, "write base: <package-name>:<config_set>");
    return undefined;
  }
  return { package: pkg, configSet };
}
