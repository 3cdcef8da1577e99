import { MpmError } from "../errors/mpm-error.ts";
import { Future, Promised } from "./future.ts";

interface Waiter {
  units: number;
  promised: Promised<void>;
}

/**
 * A counting semaphore for one shard (no atomics: nothing else touches it). Waiters are served in FIFO
 * order, so a big request is not starved by small ones. Used to bound concurrency and memory.
 */
export class Semaphore {
  private available: number;
  private readonly waiters: Waiter[] = [];
  private brokenWith: Error | undefined;

  constructor(units: number) {
    this.available = units;
  }

  get availableUnits(): number {
    return this.available;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  wait(units = 1): Future<void> {
    if (this.brokenWith) return Future.failed(this.brokenWith);
    if (this.waiters.length === 0 && this.available >= units) {
      this.available -= units;
      return Future.ready<void>(undefined);
    }
    const promised = new Promised<void>();
    this.waiters.push({ units, promised });
    return promised.future;
  }

  signal(units = 1): void {
    this.available += units;
    while (this.waiters.length > 0 && this.waiters[0]!.units <= this.available) {
      const w = this.waiters.shift()!;
      this.available -= w.units;
      w.promised.resolve();
    }
  }

  /** Runs fn holding `units`, releasing them afterwards whatever happens. */
  withUnits<T>(units: number, fn: () => T | PromiseLike<T>): Future<T> {
    return this.wait(units).then(() => Future.invoke(fn).finally(() => this.signal(units)));
  }

  /** Fails every waiter and all later waits (used at shutdown). */
  broken(error?: Error): void {
    this.brokenWith =
      error ?? new MpmError("MPM_E_SHARD_STOPPED", "the semaphore was broken: the service is stopping");
    for (const w of this.waiters.splice(0)) w.promised.reject(this.brokenWith);
  }
}
