import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { KeystoneAuth } from "./keystone-auth.ts";
import type { KeystoneToken } from "./keystone-token.ts";

/** A token this close to expiry is not reused: an upload of a large image can take minutes. */
const REUSE_MARGIN_MS = 10 * 60_000;

/**
 * Keeps Keystone tokens between mpm invocations, one 0600 file per identity under the cache, so a series of
 * commands authenticates once. The key is a hash of who is authenticating (URL, user, project, credential
 * id), never of the secret; a token that the cloud rejects is dropped and fetched anew.
 */
export class TokenCache {
  readonly #dir: string;

  constructor(cacheDir: string) {
    this.#dir = path.join(cacheDir, "cloud", "tokens");
  }

  fileFor(auth: KeystoneAuth): string {
    const identity =
      auth.type === "password"
        ? [auth.type, auth.authUrl, auth.user, auth.userDomain, auth.project, auth.projectDomain]
        : [auth.type, auth.authUrl, auth.credential, auth.user, auth.userDomain];
    const key = createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 32);
    return path.join(this.#dir, `${key}.json`);
  }

  async get(auth: KeystoneAuth, now: number = Date.now()): Promise<KeystoneToken | undefined> {
    try {
      const token = JSON.parse(await readFile(this.fileFor(auth), "utf8")) as KeystoneToken;
      if (typeof token.value !== "string" || !(token.expiresAt - now > REUSE_MARGIN_MS)) return undefined;
      return token;
    } catch {
      return undefined;
    }
  }

  async put(auth: KeystoneAuth, token: KeystoneToken): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const file = this.fileFor(auth);
    const staged = `${file}.${process.pid}.tmp`;
    await writeFile(staged, JSON.stringify(token), { mode: 0o600 });
    await rename(staged, file);
  }

  async drop(auth: KeystoneAuth): Promise<void> {
    await rm(this.fileFor(auth), { force: true });
  }
}
