import { MpmError } from "../../errors/mpm-error.ts";
import { openLocalRepository } from "../local-repository.ts";
import { checkRemote, type Remote, readRemotes, writeRemotes } from "../remote-config.ts";

/** `mpm repo add|list|remove`: the remote repositories, stored in <root>/remotes.json. */
type RootOption = { readonly root?: string | undefined };

async function rootOf(options: RootOption): Promise<string> {
  return (await openLocalRepository(options.root === undefined ? {} : { root: options.root })).root;
}

export async function runRepoAdd(
  options: RootOption & { readonly name: string; readonly url: string },
): Promise<Remote> {
  const root = await rootOf(options);
  const remote = checkRemote(options.name, options.url);
  const remotes = await readRemotes(root);
  if (remotes.some((r) => r.name === remote.name)) {
    throw new MpmError("MPM_E_REMOTE_EXISTS", `a remote named ${remote.name} already exists`, {
      hint: `remove it first: mpm repo remove ${remote.name}`,
    });
  }
  await writeRemotes(root, [...remotes, remote]);
  return remote;
}

export async function runRepoList(options: RootOption): Promise<Remote[]> {
  return readRemotes(await rootOf(options));
}

export async function runRepoRemove(options: RootOption & { readonly name: string }): Promise<Remote> {
  const root = await rootOf(options);
  const remotes = await readRemotes(root);
  const found = remotes.find((r) => r.name === options.name);
  if (!found) {
    throw new MpmError("MPM_E_REMOTE_NOT_FOUND", `no remote named ${options.name}`, {
      hint: `configured: ${remotes.map((r) => r.name).join(", ") || "none"}`,
    });
  }
  await writeRemotes(
    root,
    remotes.filter((r) => r !== found),
  );
  return found;
}
