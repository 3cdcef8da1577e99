import { Future } from "./future.ts";
import { whenAllFutures } from "./this-shard.ts";

/** What an iteration of repeat() returns: "stop" ends the loop. */
export type LoopControl = "stop" | "continue";

type Step<T> = T | PromiseLike<T>;

/**
 * Calls fn until it returns "stop". Iterations whose result is already ready chain inline (within the
 * continuation bound), so a loop over ready values costs no trip through the event loop per iteration.
 */
export function repeat(fn: () => Step<LoopControl>): Future<void> {
  return Future.from(fn()).then((control) => (control === "stop" ? undefined : repeat(fn)));
}

/** Calls fn until stop() returns true (checked before each call). */
export function doUntil(stop: () => boolean, fn: () => Step<unknown>): Future<void> {
  return repeat(() => (stop() ? "stop" : Future.from(fn()).then((): LoopControl => "continue")));
}

/** Repeats fn until it fails or the returned future's loop is stopped from outside with the flag. */
export function keepDoing(fn: () => Step<unknown>, running: () => boolean = () => true): Future<void> {
  return doUntil(() => !running(), fn);
}

/** Starts fn for every item at once and resolves when all are done (fails with the first failure). */
export function parallelForEach<T>(items: Iterable<T>, fn: (item: T) => Step<unknown>): Future<void> {
  const futures: Future<unknown>[] = [];
  for (const item of items) futures.push(Future.invoke(() => fn(item)));
  return whenAllFutures(futures).then(() => undefined);
}

/** Resolves with every result, in order, once all have resolved. */
export function whenAll<T>(futures: readonly PromiseLike<T>[]): Future<T[]> {
  return whenAllFutures(futures);
}
