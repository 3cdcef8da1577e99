import { readFile } from "node:fs/promises";
import { MpmError } from "../errors/mpm-error.ts";
import { writeFileAtomic } from "../package/atomic-file.ts";
import type { Requirement } from "../package/manifest.ts";

/** One installed package as recorded in <root>/packages.json. */
export interface IndexEntry {
  readonly name: string;
  readonly version: string;
  readonly title: string;
  readonly author: string;
  readonly require: readonly Requirement[];
  /** sha256 of the installed .mpm; also the name of its folder under store/. */
  readonly sha256: string;
  readonly installedAt: string;
}

interface IndexFile {
  readonly schema: 1;
  readonly packages: readonly IndexEntry[];
}

export async function readIndex(file: string): Promise<IndexEntry[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new MpmError("MPM_E_IO", `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const parsed = JSON.parse(text) as IndexFile;
    if (parsed.schema !== 1 || !Array.isArray(parsed.packages)) throw new Error("unknown schema");
    return [...parsed.packages];
  } catch (err) {
    throw new MpmError(
      "MPM_E_REPO_CORRUPT",
      `${file} is not a valid repository index: ${(err as Error).message}`,
      {
        hint: "restore it from a backup, or delete it and reinstall the packages",
        cause: err,
      },
    );
  }
}

export async function writeIndex(file: string, entries: readonly IndexEntry[]): Promise<void> {
  const packages = [...entries].sort((a, b) =>
    a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1,
  );
  const body: IndexFile = { schema: 1, packages };
  await writeFileAtomic(file, `${JSON.stringify(body, null, 2)}\n`);
}
