import semver from "semver";
import { FieldReader } from "./field-reader.ts";
import type { ProblemList } from "./problem.ts";
import { isMap, isScalar, isSeq, YamlSource } from "./yaml-source.ts";

/**
 * meta/package.yaml, read as Capstan reads it (name, title, author required; version, require, created,
 * platform, binary optional), with one additive extension: a `require` entry may carry a semver range,
 * as `name@range` or `{ name, version }`. A plain name (Capstan's form) means any version.
 */
export interface Requirement {
  readonly name: string;
  /** A semver range; "*" when the manifest gives only the name. */
  readonly range: string;
}

export interface PackageManifest {
  readonly name: string;
  readonly title: string;
  readonly author: string;
  /** Normalised semver ("1.0" becomes "1.0.0"); "0.0.0" when package.yaml has no version. */
  readonly version: string;
  /** The version exactly as written, or undefined. */
  readonly versionText: string | undefined;
  readonly require: readonly Requirement[];
  /** ISO 8601, when `created` parses (RFC 3339 or Capstan's "2006-01-02 15:04"). */
  readonly created: string | undefined;
  readonly platform: string | undefined;
  /** Capstan's `binary` map, kept as read. */
  readonly binary: Readonly<Record<string, string>>;
}

export const MANIFEST_FILE = "meta/package.yaml";
const KNOWN_KEYS = ["name", "title", "author", "version", "require", "created", "platform", "binary"];
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
/** Capstan's own version rule is up to three dot-separated numbers; semver pre-release tags are accepted too. */
const VERSION_PATTERN = /^\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export function isValidPackageName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/** "1.0" → "1.0.0"; undefined for anything that is not a version. */
export function normalizeVersion(text: string): string | undefined {
  if (!VERSION_PATTERN.test(text)) return undefined;
  const [core = "", ...rest] = text.split(/(?=[-+])/);
  const parts = core.split(".");
  while (parts.length < 3) parts.push("0");
  const full = [parts.join("."), ...rest].join("");
  return semver.valid(full) ?? undefined;
}

/** Parses "name", "name@range"; undefined range means any version. */
export function parseRequirementText(text: string): { name: string; range: string } {
  const at = text.indexOf("@", 1);
  if (at < 0) return { name: text.trim(), range: "*" };
  return { name: text.slice(0, at).trim(), range: text.slice(at + 1).trim() || "*" };
}

export function isValidRange(range: string): boolean {
  return semver.validRange(range) !== null;
}

/** Parses package.yaml text; problems are recorded, and a manifest is returned when the essentials are there. */
export function parseManifest(
  text: string,
  problems: ProblemList,
  file = MANIFEST_FILE,
): PackageManifest | undefined {
  const source = YamlSource.parse(file, text, problems);
  if (source.root === null) {
    if (problems.items.length === 0)
      problems.error(file, "package.yaml is empty", { hint: "run `mpm init`" });
    return undefined;
  }
  const read = new FieldReader(source, problems);
  if (!isMap(source.root)) {
    read.error([], "package.yaml must be a map of fields (name, title, author, ...)");
    return undefined;
  }
  read.unknownKeys([], KNOWN_KEYS);
  const hint = "add it to meta/package.yaml";
  const name = read.string(["name"], { required: true, hint });
  const title = read.string(["title"], { required: true, hint });
  const author = read.string(["author"], { required: true, hint });
  if (name !== undefined && !isValidPackageName(name)) {
    read.error(
      ["name"],
      `'${name}' is not a valid package name`,
      "use letters, digits and . _ + - (e.g. com.example.app)",
    );
  }
  const version = readVersion(read);
  const require = readRequire(read);
  const created = readCreated(read);
  const platform = read.string(["platform"]);
  const binary = read.stringMap(["binary"]) ?? {};
  if (name === undefined || title === undefined || author === undefined) return undefined;
  return {
    name,
    title,
    author,
    version: version.normalized,
    versionText: version.text,
    require,
    created,
    platform,
    binary,
  };
}

function readVersion(read: FieldReader): { text: string | undefined; normalized: string } {
  const text = read.string(["version"]);
  if (text === undefined) {
    read.warning(["version"], "no version; the package is treated as version 0.0.0", "add `version: 1.0.0`");
    return { text, normalized: "0.0.0" };
  }
  const normalized = normalizeVersion(text);
  if (normalized === undefined) {
    read.error(["version"], `'${text}' is not a version`, "use up to three numbers, e.g. 1.2.3 (semver)");
    return { text, normalized: "0.0.0" };
  }
  return { text, normalized };
}

function readRequire(read: FieldReader): Requirement[] {
  const node = read.source.node(["require"]);
  if (node === undefined || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) {
    read.error(["require"], "must be a list of package names", "write `require: [name, other@^1.2]`");
    return [];
  }
  const out: Requirement[] = [];
  node.items.forEach((_item, index) => {
    const requirement = readRequirement(read, index);
    if (!requirement) return;
    if (out.some((r) => r.name === requirement.name)) {
      read.error(
        ["require", index],
        `'${requirement.name}' is required twice`,
        "merge the two entries into one range",
      );
      return;
    }
    out.push(requirement);
  });
  return out;
}

function readRequirement(read: FieldReader, index: number): Requirement | undefined {
  const path = ["require", index];
  let parsed: { name: string; range: string };
  if (read.isMap(path)) {
    read.unknownKeys(path, ["name", "version"]);
    const name = read.string([...path, "name"], { required: true });
    if (name === undefined) return undefined;
    parsed = { name, range: read.string([...path, "version"]) ?? "*" };
  } else {
    const text = read.string(path);
    if (text === undefined) return undefined;
    parsed = parseRequirementText(text);
  }
  if (!isValidPackageName(parsed.name)) {
    read.error(path, `'${parsed.name}' is not a valid package name`);
    return undefined;
  }
  if (!isValidRange(parsed.range)) {
    read.error(
      path,
      `'${parsed.range}' is not a version range`,
      "use a semver range such as ^1.2, >=2.0.0 <3 or 1.x",
    );
    return undefined;
  }
  return parsed;
}

function readCreated(read: FieldReader): string | undefined {
  const text = read.string(["created"]);
  if (text === undefined) return undefined;
  const parsed = parseCreated(text);
  if (parsed === undefined) {
    read.warning(
      ["created"],
      `'${text}' is not a date; shown as N/A`,
      "use RFC 3339, e.g. 2026-01-31T12:00:00Z",
    );
  }
  return parsed;
}

/** RFC 3339 or Capstan's "2006-01-02 15:04" (read as UTC). */
export function parseCreated(text: string): string | undefined {
  const short = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})$/.exec(text);
  const iso = short ? `${short[1]}T${short[2]}:00Z` : text;
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/.test(iso))
    return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
