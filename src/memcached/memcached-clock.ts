/**
 * memcached's notion of time: `current_time` counts seconds since the process started (minus 2, as
 * memcached starts its clock in the past) and expiry times are stored relative to it. Every shard keeps
 * its own copy, computed from the same start instant, so an exptime converted on one shard means the same
 * on another.
 */
export const REALTIME_MAXDELTA = 60 * 60 * 24 * 30;

export class MemcachedClock {
  /** Unix seconds when the server started (memcached's process_started). */
  readonly processStarted: number;
  private readonly now: () => number;

  constructor(processStarted: number, now: () => number = Date.now) {
    this.processStarted = processStarted;
    this.now = now;
  }

  /** Seconds since processStarted. */
  currentTime(): number {
    return Math.floor(this.now() / 1000) - this.processStarted;
  }

  /** Unix time now, as `stats time` reports it. */
  unixTime(): number {
    return this.processStarted + this.currentTime();
  }

  /**
   * memcached's realtime(EXPTIME_TO_POSITIVE_TIME(exptime)): 0 = never; negative = already expired; up to
   * 30 days = relative seconds; beyond = absolute Unix time (expired if before the server started).
   */
  realtime(exptime: number): number {
    const positive = exptime < 0 ? REALTIME_MAXDELTA + 1 : exptime;
    if (positive === 0) return 0;
    if (positive > REALTIME_MAXDELTA) {
      if (positive <= this.processStarted) return 1;
      return positive - this.processStarted;
    }
    return positive + this.currentTime();
  }
}
