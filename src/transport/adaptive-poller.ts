export interface PollerOptions {
  /**
   * Longest time to keep polling on every event-loop turn after the last activity, in ms; the window adapts
   * below it to how soon the peer answers.
   */
  readonly spinMs?: number;
  /** Longest sleep between polls once idle, in ms (the sleep doubles from 1 ms up to this). */
  readonly maxSleepMs?: number;
  /**
   * With a doorbell (peers on one kernel), longest sleep on it in ms before stepping again anyway
   * (heartbeats, peer-death checks); default 50.
   */
  readonly bellTimeoutMs?: number;
}

/** A doorbell the poller sleeps on instead of timers, when the peer can ring it (same kernel). */
export interface Doorbell {
  /** Announces sleep; onRing is called when the peer rings. False: the peer cannot ring, poll instead. */
  arm(onRing: () => void): boolean;
  /** Withdraws the announcement. */
  disarm(): void;
}

/**
 * Shortest spin window, in ms. A peer on a free core answers a 1-byte ping well within it (1.5 µs one way on
 * this 2-core machine when quiet), so a window that has shrunk can grow back.
 */
const SPIN_FLOOR_MS = 0.005;
/**
 * The window aims at this many times the gap the last message took. 16 rather than 4: a 1-byte ping-pong
 * between two processes slept on the doorbell 550-670 times per 10,000 messages instead of 1,520-1,560, and
 * under 16 busy loops the two were alike (mean 0.5-0.8 ms one way either way).
 */
const GAP_FACTOR = 16;

/**
 * Calls step() until stopped, as often as the traffic deserves. ivshmem-plain has no interrupts and a
 * doorbell cannot reach across VMs, so the transport polls: every event-loop turn (setImmediate) while data
 * moved within the spin window, then sleeping 1, 2, 4... up to maxSleepMs. A ping-pong peer answers well
 * within the window, so latency stays at the turn time; an idle connection costs a wake-up every
 * maxSleepMs. kick() (a local write) returns to spinning at once.
 *
 * The window adapts, because spinning only pays when the peer runs at the same time: on 2 cores shared
 * with other work, a spinner holds the core its peer needs, and a 1-byte ping-pong with a fixed 2 ms window
 * took 1.7 µs one way at the median but 2 ms at p90 (mean 0.5-1.1 ms, load average 3). Each success moves
 * the window a quarter of the way towards GAP_FACTOR times the wait it took; each expiry that ends in a
 * sleep on the doorbell halves it, down to SPIN_FLOOR_MS. Under the same load that gave 1.7-2.0 µs median
 * and a mean of 17-23 µs. Without a doorbell (across VMs) an expiry restores the full window instead.
 *
 * With a doorbell whose peer shares this kernel, the idle phase is a sleep on it instead (bounded by
 * bellTimeoutMs): announce sleep, step once more (so a write that raced the announcement is not missed),
 * then let the event loop wait; the peer's ring brings this side back within one scheduler wake-up.
 */
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
  readonly #bellTimeoutMs: number;
  /** Announced sleep on the doorbell. */
  #asleep = false;
  /** Sleeps on the doorbell (exposed for tests and benchmarks). */
  bellWaits = 0;
  /** Sleeps on the doorbell that the peer's ring ended. */
  bellWakeups = 0;

  constructor(step: () => boolean, options: PollerOptions = {}, doorbell?: Doorbell) {
    this.#step = step;
    this.#doorbell = doorbell;
    this.#bellTimeoutMs = options.bellTimeoutMs ?? 50;
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
    this.#clearTimer();
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    this.#wake();
    this.#clearTimer();
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = undefined;
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
      // Aim the window at GAP_FACTOR times the gap that just ended (spun through or slept through), moving a
      // quarter of the way per step; a gap too long to be worth spinning through teaches nothing.
      const target = Math.max(SPIN_FLOOR_MS, GAP_FACTOR * (now - this.#lastActive));
      if (target <= this.#spinMs) this.#windowMs += (target - this.#windowMs) / 4;
      this.#lastActive = now;
      this.#sleepMs = 0;
    }
    if (now - this.#lastActive < this.#windowMs) {
      this.#immediate = setImmediate(this.#run);
      return;
    }
    if (this.#doorbell && this.#sleepOnBell(this.#doorbell)) {
      this.#windowMs = Math.max(SPIN_FLOOR_MS, this.#windowMs / 2);
      return;
    }
    // Without a doorbell a missed message waits out a timer of 1 ms or more (and a guest's event-loop turn
    // alone took 36 µs under TCG), so the window stays wide: a guest-to-guest request/response rate fell
    // from 12.9x to 0.6-0.8x that of QEMU user networking when it shrank.
    this.#windowMs = this.#spinMs;
    this.#sleepMs = Math.min(this.#maxSleepMs, Math.max(1, this.#sleepMs * 2));
    this.#timer = setTimeout(this.#run, this.#sleepMs);
  };

  /** Sleeps until the doorbell rings or bellTimeoutMs passes; false when the doorbell cannot be used. */
  #sleepOnBell(doorbell: Doorbell): boolean {
    if (!doorbell.arm(this.#rang)) return false;
    this.#asleep = true;
    this.#running = true;
    const worked = this.#step();
    this.#running = false;
    if (this.#stopped) return true;
    if (worked || !this.#asleep) {
      this.#wake();
      this.#lastActive = performance.now();
      this.#schedule();
      return true;
    }
    this.bellWaits++;
    this.#timer = setTimeout(this.#bellTimeout, this.#bellTimeoutMs);
    return true;
  }

  #rang = (): void => {
    if (this.#stopped || !this.#asleep) return; // a ring that arrived while awake
    this.bellWakeups++;
    this.#wake();
    this.#schedule();
  };

  #bellTimeout = (): void => {
    this.#timer = undefined;
    this.#wake();
    this.#schedule();
  };

  /** Leaves the doorbell sleep, if in one: withdraws the announcement and its timeout. */
  #wake(): void {
    if (!this.#asleep) return;
    this.#asleep = false;
    this.#doorbell?.disarm();
    this.#clearTimer();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#stopped || this.#running || this.#immediate || this.#timer) return;
    this.#immediate = setImmediate(this.#run);
  }
}
