import { type Future, Promised } from "./future.ts";

/** A future that resolves after `ms` milliseconds. */
export function sleep(ms: number): Future<void> {
  const p = new Promised<void>();
  setTimeout(() => p.resolve(), ms);
  return p.future;
}

/** Granularity of the low-resolution clock (Seastar's lowres_clock ticks every 10 ms too). */
export const LOWRES_TICK_MS = 10;

let lowresNow = Date.now();
let ticker: NodeJS.Timeout | undefined;

/**
 * A clock that costs a variable read instead of a system call: it is updated every 10 ms by a timer that
 * does not keep the process alive. Good for expiry and timeouts; not for measuring short durations.
 */
export function lowresClock(): number {
  if (ticker === undefined) {
    lowresNow = Date.now();
    ticker = setInterval(() => {
      lowresNow = Date.now();
    }, LOWRES_TICK_MS);
    ticker.unref();
  }
  return lowresNow;
}
