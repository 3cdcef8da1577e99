import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { GlanceClient } from "./glance-client.ts";

/**
 * Images mpm created but could not delete after a failed upload because the cloud had gone away. They are
 * deleted by the next mpm command against the same Glance, so an interrupted push leaves no queued image.
 */
export class OrphanJournal {
  readonly #file: string;

  constructor(cacheDir: string, glanceUrl: string) {
    const key = createHash("sha256").update(glanceUrl).digest("hex").slice(0, 32);
    this.#file = path.join(cacheDir, "cloud", "orphans", `${key}.json`);
  }

  async add(id: string): Promise<void> {
    const ids = await this.#read();
    if (!ids.includes(id)) await this.#write([...ids, id]);
  }

  /** Deletes what it can; ids the cloud still refuses stay for next time. Returns the ids deleted. */
  async sweep(client: GlanceClient): Promise<string[]> {
    const ids = await this.#read();
    if (ids.length === 0) return [];
    const kept: string[] = [];
    const deleted: string[] = [];
    for (const id of ids) {
      try {
        await client.delete(id);
        deleted.push(id);
      } catch {
        kept.push(id);
      }
    }
    await this.#write(kept);
    return deleted;
  }

  async #read(): Promise<string[]> {
    try {
      const ids = JSON.parse(await readFile(this.#file, "utf8")) as unknown;
      return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
    } catch {
      return [];
    }
  }

  async #write(ids: string[]): Promise<void> {
    if (ids.length === 0) {
      await rm(this.#file, { force: true });
      return;
    }
    await mkdir(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    const staged = `${this.#file}.${process.pid}.tmp`;
    await writeFile(staged, JSON.stringify(ids), { mode: 0o600 });
    await rename(staged, this.#file);
  }
}
