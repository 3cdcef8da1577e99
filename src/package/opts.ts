import { MpmError } from "../errors/mpm-error.ts";
import { FieldReader } from "./field-reader.ts";
import type { ProblemList } from "./problem.ts";
import { isSeq, YamlSource } from "./yaml-source.ts";

/**
 * meta/opts: the switches a package exposes to its users (design document §3.3.4). A YAML list; each
 * option has a long and/or short name, an optional description and default, and the environment
 * variable it sets in the guest (default: the long name upper-cased, `-` → `_`), which run.yaml
 * commands read as $VAR:
 *
 *   - long: port
 *     short: p
 *     description: TCP port the server listens on
 *     default: "11211"
 *     env: PORT
 */
export interface OptSpec {
  readonly long: string | undefined;
  readonly short: string | undefined;
  readonly description: string | undefined;
  readonly default: string | undefined;
  readonly env: string;
}

export const OPTS_FILE = "meta/opts";
const LONG = /^[a-z][a-z0-9-]*$/;
const SHORT = /^[A-Za-z0-9]$/;
const ENV = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseOpts(text: string, problems: ProblemList, file = OPTS_FILE): OptSpec[] {
  const source = YamlSource.parse(file, text, problems);
  if (source.root === null) return [];
  const read = new FieldReader(source, problems);
  if (!isSeq(source.root)) {
    read.error(
      [],
      "meta/opts must be a list of options",
      "write `- long: port` items (see docs/package-format.md)",
    );
    return [];
  }
  const out: OptSpec[] = [];
  for (let index = 0; index < source.root.items.length; index++) {
    const opt = readOpt(read, index);
    if (!opt) continue;
    const clash = out.find((o) => (opt.long && o.long === opt.long) || (opt.short && o.short === opt.short));
    if (clash)
      read.error(
        [index],
        `option name used twice (${opt.long ?? opt.short})`,
        "give every option its own names",
      );
    else out.push(opt);
  }
  return out;
}

function readOpt(read: FieldReader, index: number): OptSpec | undefined {
  if (!read.isMap([index])) {
    read.error([index], "an option must be a map with long/short/description/default/env");
    return undefined;
  }
  read.unknownKeys([index], ["long", "short", "description", "default", "env"]);
  const long = read.string([index, "long"])?.replace(/^--/, "");
  const short = read.string([index, "short"])?.replace(/^-/, "");
  if (long === undefined && short === undefined) {
    read.error([index], "an option needs a long or a short name (preferably both)", "add `long: my-option`");
    return undefined;
  }
  if (long !== undefined && !LONG.test(long))
    read.error(
      [index, "long"],
      `'${long}' is not a valid long option name`,
      "use lower-case letters, digits and -",
    );
  if (short !== undefined && !SHORT.test(short))
    read.error([index, "short"], `'${short}' is not a single letter or digit`);
  const env = read.string([index, "env"]) ?? (long ?? short ?? "").toUpperCase().replaceAll("-", "_");
  if (!ENV.test(env))
    read.error([index, "env"], `'${env}' is not a valid environment variable name`, "set `env:` explicitly");
  return {
    long,
    short,
    description: read.string([index, "description"]),
    default: read.string([index, "default"]),
    env,
  };
}

/** Parses `name=value` as given to `--opt`. */
export function parseOptAssignment(text: string): { name: string; value: string } {
  const eq = text.indexOf("=");
  if (eq <= 0) {
    throw new MpmError("MPM_E_OPT", `--opt '${text}' is not name=value`, { hint: "write --opt port=8080" });
  }
  return { name: text.slice(0, eq).replace(/^-+/, ""), value: text.slice(eq + 1) };
}

/**
 * The environment the options set: defaults of every option that has one, then the given values
 * (by long or short name). Unknown names are errors listing the package's options.
 */
export function applyOpts(
  specs: readonly OptSpec[],
  values: Readonly<Record<string, string>>,
  packageName = "the package",
): { defaults: Record<string, string>; values: Record<string, string> } {
  const defaults: Record<string, string> = {};
  for (const spec of specs) if (spec.default !== undefined) defaults[spec.env] = spec.default;
  const given: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const spec = specs.find((s) => s.long === name || s.short === name);
    if (!spec) {
      const known = specs.map((s) => s.long ?? s.short).join(", ") || "none";
      throw new MpmError("MPM_E_OPT", `${packageName} has no option '${name}'`, {
        hint: `its options (meta/opts): ${known}`,
      });
    }
    given[spec.env] = value;
  }
  return { defaults, values: given };
}
