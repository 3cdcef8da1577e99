import { mpmCacheDir } from "../../base/cache-dir.ts";
import { openSession } from "../cloud-session.ts";
import { resolveCloud } from "../config/resolve-cloud.ts";
import { GlanceClient } from "./glance-client.ts";
import { OrphanJournal } from "./orphan-journal.ts";

/** What every cloud command takes to find its cloud. */
export interface CloudTarget {
  /** --cloud; OS_CLOUD and the OS_* variables otherwise. */
  readonly cloud?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly cacheDir?: string;
}

export interface OpenGlance {
  readonly client: GlanceClient;
  readonly journal: OrphanJournal;
  /** Images left by an earlier interrupted push and deleted now. */
  readonly sweptOrphans: string[];
}

/** Resolves the cloud, authenticates and first deletes images an earlier interrupted push left behind. */
export async function openGlance(target: CloudTarget): Promise<OpenGlance> {
  const env = target.env ?? process.env;
  const cacheDir = target.cacheDir ?? mpmCacheDir(env);
  const cloud = await resolveCloud({ name: target.cloud, env, cwd: target.cwd ?? process.cwd() });
  const session = await openSession(cloud, { cacheDir });
  const client = new GlanceClient(session);
  const journal = new OrphanJournal(cacheDir, client.url);
  const sweptOrphans = await journal.sweep(client);
  return { client, journal, sweptOrphans };
}
