import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseDocument } from "yaml";
import { MpmError } from "../../errors/mpm-error.ts";

/** A cloud entry as written in clouds.yaml (secure.yaml merged in), before validation. */
export type RawCloud = Record<string, unknown>;

export interface CloudsFile {
  readonly path: string;
  readonly clouds: Readonly<Record<string, RawCloud>>;
}

/** The directories OpenStack tools search, in order: the working directory, the user's, the system's. */
export function cloudsSearchPath(env: NodeJS.ProcessEnv, cwd: string): string[] {
  const home = env["HOME"] ?? os.homedir();
  const configHome = env["XDG_CONFIG_HOME"] ?? path.join(home, ".config");
  return [cwd, path.join(configHome, "openstack"), "/etc/openstack"];
}

/**
 * Reads the first clouds.yaml on the search path (OS_CLIENT_CONFIG_FILE wins) and merges the secure.yaml
 * found beside the first match, as openstacksdk does, so passwords can live in a separate file.
 */
export async function loadCloudsFile(env: NodeJS.ProcessEnv, cwd: string): Promise<CloudsFile | undefined> {
  const dirs = cloudsSearchPath(env, cwd);
  const explicit = env["OS_CLIENT_CONFIG_FILE"];
  const candidates = explicit
    ? [explicit]
    : dirs.flatMap((dir) => ["yaml", "yml"].map((e) => path.join(dir, `clouds.${e}`)));
  for (const file of candidates) {
    const text = await readOptional(file);
    if (text === undefined) continue;
    const clouds = cloudsOf(text, file);
    const secure = await loadSecure(env, dirs);
    return { path: file, clouds: secure ? mergeClouds(clouds, secure) : clouds };
  }
  if (explicit) {
    throw new MpmError(
      "MPM_E_CLOUD_CONFIG",
      `OS_CLIENT_CONFIG_FILE names ${explicit}, which cannot be read`,
      {
        hint: "point OS_CLIENT_CONFIG_FILE at an existing clouds.yaml or unset it",
      },
    );
  }
  return undefined;
}

async function loadSecure(
  env: NodeJS.ProcessEnv,
  dirs: string[],
): Promise<Record<string, RawCloud> | undefined> {
  const explicit = env["OS_CLIENT_SECURE_FILE"];
  const candidates = explicit
    ? [explicit]
    : dirs.flatMap((dir) => ["yaml", "yml"].map((e) => path.join(dir, `secure.${e}`)));
  for (const file of candidates) {
    const text = await readOptional(file);
    if (text !== undefined) return cloudsOf(text, file);
  }
  return undefined;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new MpmError("MPM_E_CLOUD_CONFIG", `cannot read ${file}: ${(err as Error).message}`, {
      hint: "check the file's permissions",
      cause: err,
    });
  }
}

/** Parses a clouds.yaml/secure.yaml text; errors name the file and line. */
export function cloudsOf(text: string, file: string): Record<string, RawCloud> {
  const doc = parseDocument(text);
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line;
    throw new MpmError(
      "MPM_E_CLOUD_CONFIG",
      `${file}${line ? `:${line}` : ""}: ${first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
      {
        hint: "fix the YAML syntax",
        details: { file, line },
      },
    );
  }
  const root = doc.toJS() as unknown;
  if (root === null || root === undefined) return {};
  const clouds = isRecord(root) ? root["clouds"] : undefined;
  if (!isRecord(clouds)) {
    throw new MpmError("MPM_E_CLOUD_CONFIG", `${file}: no "clouds" mapping at the top level`, {
      hint: "write clouds.yaml as `clouds: { <name>: { auth_type: ..., auth: {...} } }`",
      details: { file, field: "clouds" },
    });
  }
  const result: Record<string, RawCloud> = {};
  for (const [name, entry] of Object.entries(clouds)) {
    if (!isRecord(entry)) {
      throw new MpmError("MPM_E_CLOUD_CONFIG", `${file}: clouds.${name} is not a mapping`, {
        hint: "each cloud is a mapping with auth_type, auth, region_name ...",
        details: { file, field: `clouds.${name}` },
      });
    }
    result[name] = entry;
  }
  return result;
}

function mergeClouds(
  base: Record<string, RawCloud>,
  over: Record<string, RawCloud>,
): Record<string, RawCloud> {
  const result: Record<string, RawCloud> = { ...base };
  for (const [name, entry] of Object.entries(over)) result[name] = deepMerge(base[name] ?? {}, entry);
  return result;
}

function deepMerge(a: RawCloud, b: RawCloud): RawCloud {
  const out: RawCloud = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
