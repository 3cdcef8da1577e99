export interface PollerOptions {
  /** How long to keep polling on every event-loop turn after the last activity, in ms. */
  readonly spinMs?: number;
  /** Longest sleep between polls once idle, in ms (the sleep doubles from 1 ms up to this). */
  readonly maxSleepMs?: number;
}

/**
 * Calls step() until stopped, as often as the traffic deserves. ivshmem-plain has no interrupts and a
 * futex cannot reach across VMs, so the transport polls: every event-loop turn (setImmediate) while data
 * moved within the last spinMs, then sleeping 1, 2, 4... up to maxSleepMs. A ping-pong peer answers well
 * within the spin window, so latency stays at the turn time; an idle connection costs a wake-up every
 * maxSleepMs. kick() (a local write) returns to spinning at once.
 */
export class AdaptivePoller {
  readonly #step: () => boolean;
  readonly #spinMs: number;
  readonly #maxSleepMs: number;
  #lastActive = performance.now();
  #sleepMs = 0;
  #immediate: NodeJS.Immediate | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #running = false;

  constructor(step: () => boolean, options: PollerOptions = {}) {
    this.#step = step;
    this.#spinMs = options.spinMs ?? 2;
    this.#maxSleepMs = options.maxSleepMs ?? 4;
  }

  start(): void {
    this.#schedule();
  }

  /** Polls again on the next turn and spins for a while. */
  kick(): void {
    if (this.#stopped) return;
    this.#lastActive = performance.now();
    this.#sleepMs = 0;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#immediate) clearImmediate(this.#immediate);
    if (this.#timer) clearTimeout(this.#timer);
    this.#immediate = undefined;
    this.#timer = undefined;
  }

  #run = (): void => {
    this.#immediate = undefined;
    this.#timer = undefined;
    if (this.#stopped) return;
    this.#running = true;
    const worked = this.#step();
    this.#running = false;
    if (this.#stopped) return;
    const now = performance.now();
    if (worked) {
      this.#lastActive = now;
      this.#sleepMs = 0;
    }
    if (now - this.#lastActive < this.#spinMs) {
      this.#immediate = setImmediate(this.#run);
    } else {
      this.#sleepMs = Math.min(this.#maxSleepMs, Math.max(1, this.#sleepMs * 2));
      this.#timer = setTimeout(this.#run, this.#sleepMs);
    }
  };

  #schedule(): void {
    if (this.#stopped || this.#running || this.#immediate || this.#timer) return;
    this.#immediate = setImmediate(this.#run);
  }
}
