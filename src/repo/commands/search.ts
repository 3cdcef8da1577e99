import { openLocalRepository } from "../local-repository.ts";
import { fetchAllRemotes } from "./fetch-remotes.ts";

/**
 * `mpm search [words...]`: packages in the local repository and every remote whose name, title or
 * author contains all the words (case-insensitive). Unreachable remotes are reported as warnings and
 * the other results are still returned.
 */
export interface SearchRow {
  readonly name: string;
  readonly version: string;
  readonly title: string;
  readonly author: string;
  /** "local" or the remote's name. */
  readonly source: string;
}

export async function runSearch(options: {
  readonly root?: string | undefined;
  readonly words: readonly string[];
}): Promise<{ rows: SearchRow[]; warnings: string[] }> {
  const repo = await openLocalRepository(options.root === undefined ? {} : { root: options.root });
  const local = (await repo.list()).map((p) => ({
    name: p.name,
    version: p.version,
    title: p.title,
    author: p.author,
    source: "local",
  }));
  const remote = await fetchAllRemotes(repo.root);
  const all = [
    ...local,
    ...remote.packages.map((p) => ({
      name: p.name,
      version: p.version,
      title: p.title,
      author: p.author,
      source: p.remote,
    })),
  ];
  const words = options.words.map((w) => w.toLowerCase());
  const rows = all.filter((row) => {
    const text = `${row.name} ${row.title} ${row.author}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  rows.sort((a, b) =>
    a.name === b.name
      ? a.version === b.version
        ? a.source.localeCompare(b.source)
        : a.version.localeCompare(b.version, undefined, { numeric: true })
      : a.name < b.name
        ? -1
        : 1,
  );
  return { rows, warnings: remote.warnings };
}
