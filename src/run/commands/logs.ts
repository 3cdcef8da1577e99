import { closeSync, openSync, readSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { findGuest, guestFiles, isGuestAlive } from "../guests/guest-store.ts";
import { mpmRoot } from "../mpm-root.ts";

export interface LogsOptions {
  readonly name: string;
  /** Keep printing what the guest writes until it stops (or `signal` aborts). */
  readonly follow?: boolean;
  readonly root?: string;
  readonly output?: NodeJS.WritableStream;
  readonly signal?: AbortSignal;
}

/** `mpm logs <name> [-f]`: a detached guest's serial console. */
export async function logs(options: LogsOptions): Promise<void> {
  const root = options.root ?? mpmRoot();
  const state = findGuest(root, options.name);
  const output = options.output ?? process.stdout;
  const fd = openSync(guestFiles(root, state.name).console, "r");
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let lastPass = !options.follow;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n > 0) {
        output.write(buffer.subarray(0, n));
        continue;
      }
      if (lastPass) return;
      // One more read after the guest stops, for what it wrote while we slept.
      lastPass = options.signal?.aborted === true || !isGuestAlive(root, state);
      if (!lastPass) await sleep(200);
    }
  } finally {
    closeSync(fd);
  }
}
