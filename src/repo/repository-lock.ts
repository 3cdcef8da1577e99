import { open, readFile, unlink } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { MpmError } from "../errors/mpm-error.ts";

/**
 * An exclusive lock on the local repository for writers: a file created with O_EXCL holding the owner's
 * pid. A lock whose process is gone (killed mid-install) is taken over, so a crash never wedges the
 * repository. Readers take no lock: they read the index, which is replaced atomically.
 */
export async function withRepositoryLock<T>(
  lockFile: string,
  work: () => Promise<T>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (await ownerIsGone(lockFile)) {
        await unlink(lockFile).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) {
        throw new MpmError(
          "MPM_E_REPO_LOCKED",
          `the local repository is locked by another mpm process (${lockFile})`,
          {
            hint: "wait for the other mpm command to finish",
          },
        );
      }
      await sleep(100);
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lockFile).catch(() => undefined);
  }
}

async function ownerIsGone(lockFile: string): Promise<boolean> {
  const text = await readFile(lockFile, "utf8").catch(() => "");
  const pid = Number(text);
  // An empty file is a lock whose creator died between create and write.
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}
