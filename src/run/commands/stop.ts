import { stopGuestProcess } from "../guests/detached.ts";
import { findGuest } from "../guests/guest-store.ts";
import { mpmRoot } from "../mpm-root.ts";

export interface StopOptions {
  readonly name: string;
  readonly root?: string;
}

/** `mpm stop <name>`: ends a detached guest's QEMU and forgets the guest. */
export async function stop(options: StopOptions): Promise<void> {
  const root = options.root ?? mpmRoot();
  await stopGuestProcess(root, findGuest(root, options.name));
}
