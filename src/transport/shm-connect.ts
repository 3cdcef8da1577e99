import { MpmError } from "../errors/mpm-error.ts";
import { removeBells } from "./bell.ts";
import { HEADER, SLOT_STATE } from "./region-layout.ts";
import { controlIndex, type LivenessOptions, resetSlot, ShmChannel } from "./shm-channel.ts";
import { ShmRegion } from "./shm-region.ts";

export interface ShmConnectOptions extends LivenessOptions {
  /** How long to wait for the listener to accept, in ms. */
  readonly timeoutMs?: number;
}

/**
 * Claims a free slot of the region (compare-and-swap free -> claimed), clears it, asks the listener
 * (claimed -> requested) and waits until it accepts (requested -> accepted). Gives the slot back if the
 * listener does not answer in time.
 */
export async function connectShmChannel(path: string, options: ShmConnectOptions = {}): Promise<ShmChannel> {
  const region = ShmRegion.open(path);
  const words = region.words;
  if (Atomics.load(words, HEADER.running) !== 1) {
    throw new MpmError("MPM_E_VRDMA_NO_LISTENER", `no listener is running on ${path}`, {
      hint: "start the server first; the region is left from one that stopped",
      details: { path },
    });
  }
  const slot = claimSlot(region);
  const control = controlIndex(region, slot);
  resetSlot(region, slot);
  // The doorbells of the slot's last connection are gone unless a side was killed; clear them anyway.
  removeBells(region.fileId, slot, Atomics.add(words, control.generation, 1));
  const channel = new ShmChannel(region, slot, 0, options);
  channel.beat(performance.now());
  Atomics.store(words, control.state, SLOT_STATE.requested);
  const deadline = performance.now() + (options.timeoutMs ?? 3000);
  for (
    let wait = 0;
    Atomics.load(words, control.state) !== SLOT_STATE.accepted;
    wait = Math.min(wait + 1, 5)
  ) {
    if (performance.now() > deadline) {
      const was = Atomics.compareExchange(words, control.state, SLOT_STATE.requested, SLOT_STATE.free);
      if (was === SLOT_STATE.accepted) break;
      throw new MpmError(
        "MPM_E_VRDMA_NO_LISTENER",
        `the listener on ${path} did not accept within the timeout`,
        {
          hint: "the listening process is busy, stopped or hung; check it is running",
          details: { path, slot },
        },
      );
    }
    await new Promise((resolve) => (wait === 0 ? setImmediate(resolve) : setTimeout(resolve, wait)));
    channel.beat(performance.now());
  }
  return channel;
}

function claimSlot(region: ShmRegion): number {
  const slots = region.geometry.slots;
  for (let slot = 0; slot < slots; slot++) {
    const state = controlIndex(region, slot).state;
    if (
      Atomics.compareExchange(region.words, state, SLOT_STATE.free, SLOT_STATE.claimed) === SLOT_STATE.free
    ) {
      return slot;
    }
  }
  throw new MpmError("MPM_E_VRDMA_NO_SLOT", `all ${slots} connection slots of ${region.path} are in use`, {
    hint: "close idle connections, or let the listener lay out the region with more slots",
    details: { path: region.path, slots },
  });
}
