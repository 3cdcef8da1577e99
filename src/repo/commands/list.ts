import { type InstalledPackage, openLocalRepository } from "../local-repository.ts";

/** `mpm list`: the installed packages, by name then version. */
export async function runList(options: { readonly root?: string | undefined }): Promise<InstalledPackage[]> {
  const repo = await openLocalRepository(options.root === undefined ? {} : { root: options.root });
  return repo.list();
}

export function formatPackageTable(
  rows: ReadonlyArray<{ name: string; version: string; title: string; source?: string }>,
): string {
  if (rows.length === 0) return "";
  const header = { name: "NAME", version: "VERSION", title: "TITLE", source: "FROM" };
  const withSource = rows.some((r) => r.source !== undefined);
  const all = [header, ...rows];
  const width = (key: "name" | "version") => Math.max(...all.map((r) => r[key].length));
  const line = (r: { name: string; version: string; title: string; source?: string }) =>
    `${r.name.padEnd(width("name"))}  ${r.version.padEnd(width("version"))}  ${withSource ? `${(r.source ?? "").padEnd(8)}  ` : ""}${r.title}`.trimEnd();
  return `${all.map(line).join("\n")}\n`;
}
