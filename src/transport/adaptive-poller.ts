export interface PollerOptions {
  /**
   * Longest time to keep polling on every event-loop turn after the last activity, in ms; the window adapts
   * below it to how soon the peer answers.
   */
  readonly spinMs?: number;
  /** Longest sleep between polls once idle, in ms (the sleep doubles from 1 ms up to this). */
  readonly maxSleepMs?: number;
  /**
   * With a doorbell (peers on one kernel), longest single futex wait in ms before stepping again anyway
   * (heartbeats, peer-death checks); default 50.
   */
  readonly futexTimeoutMs?: number;
}

/** Where a doorbell wait sleeps: the process's one waiter thread, or a thread-pool thread of its own. */
export type WaitPath = "waiter" | "pool";

/** A futex doorbell the poller sleeps on instead of timers, when the peer can ring it (same kernel). */
export interface Doorbell {
  capable(): boolean;
  /** The doorbell's sequence, read before announcing sleep. */
  seq(): number;
  setSleeping(sleeping: boolean): void;
  /** Waits off the main thread while the doorbell reads seq, at most timeoutMs. */
  sleep(seq: number, timeoutMs: number, done: (woken: boolean) => void): WaitPath;
  /** Ends an outstanding sleep now (done follows), so a stopped poller holds no wait for up to timeoutMs. */
  interrupt(): void;
}

/**
 * Calls step() until stopped, as often as the traffic deserves. ivshmem-plain has no interrupts and a
 * futex cannot reach across VMs, so the transport polls: every event-loop turn (setImmediate) while data
 * moved within the spin window, then sleeping 1, 2, 4... up to maxSleepMs. A ping-pong peer answers well
 * within the window, so latency stays at the turn time; an idle connection costs a wake-up every
 * maxSleepMs. kick() (a local write) returns to spinning at once.
 *
 * The window adapts, because spinning only pays when the peer runs at the same time: on 2 cores shared
 * with other work, a spinner holds the core its peer needs, and a 1-byte ping-pong with a fixed 2 ms window
 * took 1.7 µs one way at the median but 2 ms at p90 (mean 0.5-1.1 ms, load average 3). Each success moves
 * the window a quarter of the way towards 4x the wait it took; each expiry halves it, down to
 * SPIN_FLOOR_MS. Under the same load that gave 1.7-2.0 µs median and a mean of 17-23 µs.
 *
 * With a doorbell whose peer shares this kernel, the idle phase is a futex wait off the main thread instead
 * (bounded by futexTimeoutMs): announce sleep, step once more (so a write that raced the announcement is not
 * missed), then wait; the peer's futex_wake brings this side back within a scheduler wake-up.
 */
/**
 * Shortest spin window, in ms. A peer on a free core answers a 1-byte ping well within it (1.5 µs one way on
 * this 2-core machine when quiet), so a window that has shrunk can grow back.
 */
const SPIN_FLOOR_MS = 0.005;

export class AdaptivePoller {
  readonly #step: () => boolean;
  readonly #spinMs: number;
  readonly #maxSleepMs: number;
  #lastActive = performance.now();
  /** The current spin window in ms, adapted between SPIN_FLOOR_MS and spinMs (see #run). */
  #windowMs: number;
  #sleepMs = 0;
  #immediate: NodeJS.Immediate | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #running = false;
  readonly #doorbell: Doorbell | undefined;
  readonly #futexTimeoutMs: number;
  /** Announced sleep on the doorbell: a wait is (or is about to be) outstanding. */
  #asleep = false;
  #waiting = false;
  /** Futex waits that a peer's wake-up ended (exposed for tests and benchmarks). */
  futexWakeups = 0;
  /** Futex waits started. */
  futexWaits = 0;
  /** Of those, the waits that held a thread-pool thread (no futex_waitv, or forced). */
  futexPooledWaits = 0;

  constructor(step: () => boolean, options: PollerOptions = {}, doorbell?: Doorbell) {
    this.#step = step;
    this.#doorbell = doorbell;
    this.#futexTimeoutMs = options.futexTimeoutMs ?? 50;
    this.#spinMs = options.spinMs ?? 2;
    this.#windowMs = this.#spinMs;
    this.#maxSleepMs = options.maxSleepMs ?? 4;
  }

  start(): void {
    this.#schedule();
  }

  /** The current spin window, in ms. */
  get windowMs(): number {
    return this.#windowMs;
  }

  /** Polls again on the next turn and spins for a while. */
  kick(): void {
    if (this.#stopped) return;
    this.#lastActive = performance.now();
    this.#sleepMs = 0;
    this.#wake();
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    this.#wake();
    if (this.#waiting) this.#doorbell?.interrupt();
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
      // Aim the window at a few times the wait that just paid off, moving a quarter of the way per step.
      const target = Math.min(this.#spinMs, Math.max(SPIN_FLOOR_MS, 4 * (now - this.#lastActive)));
      this.#windowMs += (target - this.#windowMs) / 4;
      this.#lastActive = now;
      this.#sleepMs = 0;
    }
    if (now - this.#lastActive < this.#windowMs) {
      this.#immediate = setImmediate(this.#run);
      return;
    }
    this.#windowMs = Math.max(SPIN_FLOOR_MS, this.#windowMs / 2);
    if (this.#doorbell?.capable()) {
      this.#sleepOnDoorbell(this.#doorbell);
    } else {
      this.#sleepMs = Math.min(this.#maxSleepMs, Math.max(1, this.#sleepMs * 2));
      this.#timer = setTimeout(this.#run, this.#sleepMs);
    }
  };

  #sleepOnDoorbell(doorbell: Doorbell): void {
    const seq = doorbell.seq();
    doorbell.setSleeping(true);
    this.#asleep = true;
    this.#running = true;
    const worked = this.#step();
    this.#running = false;
    if (this.#stopped) return;
    if (worked || !this.#asleep) {
      this.#wake();
      this.#lastActive = performance.now();
      this.#schedule();
      return;
    }
    if (this.#waiting) return; // an earlier wait is still out; a wake-up reaches it on the same word
    this.#waiting = true;
    this.futexWaits++;
    const path = doorbell.sleep(seq, this.#futexTimeoutMs, (woken) => {
      this.#waiting = false;
      if (woken) this.futexWakeups++;
      if (this.#stopped || !this.#asleep) return;
      this.#wake();
      if (woken) this.#lastActive = performance.now();
      this.#schedule();
    });
    if (path === "pool") this.futexPooledWaits++;
  }

  #wake(): void {
    if (!this.#asleep) return;
    this.#asleep = false;
    this.#doorbell?.setSleeping(false);
  }

  #schedule(): void {
    if (this.#stopped || this.#running || this.#immediate || this.#timer) return;
    this.#immediate = setImmediate(this.#run);
  }
}
