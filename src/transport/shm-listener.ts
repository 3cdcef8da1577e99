import { EventEmitter } from "node:events";
import { existsSync, rmSync } from "node:fs";
import { AdaptivePoller, type PollerOptions } from "./adaptive-poller.ts";
import { removeAllBells } from "./bell.ts";
import { type Geometry, HEADER, SLOT_STATE } from "./region-layout.ts";
import { controlIndex, type LivenessOptions, ShmChannel } from "./shm-channel.ts";
import { ShmRegion } from "./shm-region.ts";

export interface ShmListenerOptions extends LivenessOptions, PollerOptions {
  readonly geometry?: Partial<Geometry>;
}

/**
 * Owns a region: lays it out, marks it running, and turns every requested slot into a channel
 * ('channel' event). A region file it created is removed on close; an existing one (an ivshmem backing
 * file or BAR) is left in place.
 */
export class ShmListener extends EventEmitter<{ channel: [ShmChannel] }> {
  readonly region: ShmRegion;
  readonly #created: boolean;
  readonly #poller: AdaptivePoller;
  readonly #options: ShmListenerOptions;
  #lastBeat = 0;

  constructor(path: string, options: ShmListenerOptions = {}) {
    super();
    this.#created = !existsSync(path);
    this.region = ShmRegion.format(path, options.geometry);
    // A fresh layout ends every earlier connection; doorbells their killed sides left go too.
    removeAllBells(this.region.fileId);
    this.#options = options;
    // Accepting is not latency-critical: spin briefly, then look every few ms.
    this.#poller = new AdaptivePoller(this.#step, { spinMs: 1, maxSleepMs: options.maxSleepMs ?? 5 });
    Atomics.store(this.region.words, HEADER.running, 1);
    this.#poller.start();
  }

  close(): void {
    this.#poller.stop();
    Atomics.store(this.region.words, HEADER.running, 0);
    if (this.#created) rmSync(this.region.path, { force: true });
  }

  #step = (): boolean => {
    const now = performance.now();
    if (now - this.#lastBeat > 50) {
      this.#lastBeat = now;
      Atomics.add(this.region.words, HEADER.heartbeat, 1);
    }
    let accepted = false;
    for (let slot = 0; slot < this.region.geometry.slots; slot++) {
      const state = controlIndex(this.region, slot).state;
      const was = Atomics.compareExchange(
        this.region.words,
        state,
        SLOT_STATE.requested,
        SLOT_STATE.accepted,
      );
      if (was !== SLOT_STATE.requested) continue;
      accepted = true;
      const channel = new ShmChannel(this.region, slot, 1, this.#options);
      channel.beat(now);
      this.emit("channel", channel);
    }
    return accepted;
  };
}
