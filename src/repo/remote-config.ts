import { readFile } from "node:fs/promises";
import path from "node:path";
import { MpmError } from "../errors/mpm-error.ts";
import { writeFileAtomic } from "../package/atomic-file.ts";

/** The remote repositories mpm pulls from, kept in <root>/remotes.json. */
export interface Remote {
  readonly name: string;
  /** Base URL of the folder holding index.json and the .mpm files; ends with "/". */
  readonly url: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function remotesFile(root: string): string {
  return path.join(root, "remotes.json");
}

export async function readRemotes(root: string): Promise<Remote[]> {
  let text: string;
  try {
    text = await readFile(remotesFile(root), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as { schema: number; remotes: Remote[] };
    if (parsed.schema !== 1 || !Array.isArray(parsed.remotes)) throw new Error("unknown schema");
    return parsed.remotes;
  } catch (err) {
    throw new MpmError(
      "MPM_E_REPO_CORRUPT",
      `${remotesFile(root)} is not a valid remotes file: ${(err as Error).message}`,
      {
        hint: "delete it and add the remotes again with `mpm repo add`",
      },
    );
  }
}

export async function writeRemotes(root: string, remotes: readonly Remote[]): Promise<void> {
  await writeFileAtomic(remotesFile(root), `${JSON.stringify({ schema: 1, remotes }, null, 2)}\n`);
}

/** Checks a remote's name and URL; returns the URL with a trailing slash (a folder). */
export function checkRemote(name: string, url: string): Remote {
  if (!NAME.test(name))
    throw new MpmError("MPM_E_USAGE", `'${name}' is not a valid remote name`, {
      hint: "use letters, digits, . _ -",
    });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MpmError("MPM_E_USAGE", `'${url}' is not a URL`, {
      hint: "e.g. https://packages.example.org/mpm/",
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new MpmError("MPM_E_USAGE", `remote URL '${url}' must be http or https`, {
      hint: "serve the folder with any static web server",
    });
  }
  if (!parsed.pathname.endsWith("/")) parsed.pathname += "/";
  return { name, url: parsed.toString() };
}
