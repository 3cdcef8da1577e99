import { type InstalledPackage, openLocalRepository } from "../local-repository.ts";

/** `mpm remove <name>[@version]`: refused while another installed package requires it. */
export async function runRemove(options: {
  readonly root?: string | undefined;
  readonly name: string;
  readonly version?: string | undefined;
}): Promise<InstalledPackage[]> {
  const repo = await openLocalRepository(options.root === undefined ? {} : { root: options.root });
  return repo.remove(options.name, options.version === undefined ? {} : { version: options.version });
}
