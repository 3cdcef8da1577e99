import { MpmError } from "../errors/mpm-error.ts";
import { isValidPackageName, normalizeVersion, type Requirement } from "../package/manifest.ts";

/**
 * index.json of a remote repository (written by `mpm repo index`): every package version in the folder
 * with its file name (relative to the index), size and sha256.
 *
 *   { "schema": 1, "packages": [ { "name", "version", "title", "author", "require": [{name, range}],
 *                                  "file": "app-1.0.0.mpm", "size": 1234, "sha256": "..." } ] }
 */
export interface RemoteEntry {
  readonly name: string;
  readonly version: string;
  readonly title: string;
  readonly author: string;
  readonly require: readonly Requirement[];
  readonly file: string;
  readonly size: number;
  readonly sha256: string;
}

export interface RemoteIndex {
  readonly schema: 1;
  readonly packages: readonly RemoteEntry[];
}

export const INDEX_FILE = "index.json";

export function renderIndex(entries: readonly RemoteEntry[]): string {
  const packages = [...entries].sort((a, b) =>
    a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1,
  );
  return `${JSON.stringify({ schema: 1, packages } satisfies RemoteIndex, null, 2)}\n`;
}

/** Parses and checks an index; every entry must be well-formed, the file a plain name in the folder. */
export function parseIndex(text: string, where: string): RemoteEntry[] {
  const bad = (why: string) =>
    new MpmError("MPM_E_REMOTE_INDEX", `${where}: ${why}`, {
      hint: "regenerate it with `mpm repo index <folder>`",
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw bad(`not JSON (${(err as Error).message})`);
  }
  const index = parsed as Partial<RemoteIndex>;
  if (index.schema !== 1 || !Array.isArray(index.packages))
    throw bad("not an mpm index (schema 1 with packages)");
  return index.packages.map((e, i) => {
    const ok =
      typeof e.name === "string" &&
      isValidPackageName(e.name) &&
      typeof e.version === "string" &&
      normalizeVersion(e.version) === e.version &&
      typeof e.file === "string" &&
      /^[A-Za-z0-9._+-]+\.mpm$/.test(e.file) &&
      typeof e.sha256 === "string" &&
      /^[0-9a-f]{64}$/.test(e.sha256) &&
      Number.isInteger(e.size) &&
      Array.isArray(e.require);
    if (!ok) throw bad(`packages[${i}] is malformed`);
    return {
      name: e.name,
      version: e.version,
      title: String(e.title ?? ""),
      author: String(e.author ?? ""),
      require: e.require,
      file: e.file,
      size: e.size,
      sha256: e.sha256,
    };
  });
}
