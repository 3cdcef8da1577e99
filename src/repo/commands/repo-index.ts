import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { sha256File } from "../../archive/write-mpm.ts";
import { MpmError } from "../../errors/mpm-error.ts";
import { writeFileAtomic } from "../../package/atomic-file.ts";
import { readMpmManifest } from "../read-mpm-manifest.ts";
import { INDEX_FILE, type RemoteEntry, renderIndex } from "../remote-index.ts";

/**
 * `mpm repo index <folder>`: writes <folder>/index.json for the .mpm files in the folder, so any static
 * web server can host it as a remote repository. Every archive is read fully (and so checked).
 */
export async function runRepoIndex(options: {
  readonly folder: string;
}): Promise<{ file: string; packages: RemoteEntry[] }> {
  const folder = path.resolve(options.folder);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith(".mpm")).sort();
  } catch (err) {
    throw new MpmError("MPM_E_IO", `cannot read folder ${folder}: ${(err as Error).message}`, {
      hint: "give a folder of .mpm files",
    });
  }
  const packages: RemoteEntry[] = [];
  for (const name of names) {
    if (!/^[A-Za-z0-9._+-]+\.mpm$/.test(name)) {
      throw new MpmError(
        "MPM_E_USAGE",
        `${name}: file names in a repository use letters, digits and . _ + -`,
        { hint: "rename the file" },
      );
    }
    const file = path.join(folder, name);
    const manifest = await readMpmManifest(file);
    const twin = packages.find((p) => p.name === manifest.name && p.version === manifest.version);
    if (twin) {
      throw new MpmError(
        "MPM_E_USAGE",
        `${name} and ${twin.file} are both ${manifest.name} ${manifest.version}`,
        { hint: "keep one file per name and version" },
      );
    }
    packages.push({
      name: manifest.name,
      version: manifest.version,
      title: manifest.title,
      author: manifest.author,
      require: manifest.require,
      file: name,
      size: (await stat(file)).size,
      sha256: await sha256File(file),
    });
  }
  const file = path.join(folder, INDEX_FILE);
  await writeFileAtomic(file, renderIndex(packages));
  return { file, packages };
}
