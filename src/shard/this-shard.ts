import { MpmError } from "../errors/mpm-error.ts";
import { Future } from "./future.ts";
import type { ShardRuntime } from "./shard-runtime.ts";

let runtime: ShardRuntime | undefined;

/** @internal Called once per thread by the worker entry or the controller. */
export function installRuntime(r: ShardRuntime | undefined): void {
  runtime = r;
}

export function currentRuntime(): ShardRuntime {
  if (runtime === undefined) {
    throw new MpmError("MPM_E_SHARD_STOPPED", "this thread is not part of a running shard group", {
      hint: "start one with startShardGroup() and run this code from its entry module",
    });
  }
  return runtime;
}

/** A function that runs on another shard: it may use only its argument (no captured variables). */
export type RemoteFn<A, R> = (arg: A) => R | PromiseLike<R>;

/** The shard this code runs on, and message passing to the others. */
export const shard = {
  /** This shard's index, 0..count-1 (the controller thread has index `count`). */
  get id(): number {
    return currentRuntime().id;
  },
  /** Number of shards in the group. */
  get count(): number {
    return currentRuntime().count;
  },
  /** Runs `fn(arg)` (or the handler registered under that name) on shard `target`. */
  submitTo<A, R>(target: number, fn: RemoteFn<A, R> | string, arg?: A): Future<R> {
    return currentRuntime().call<R>(target, fn as (arg: never) => unknown, arg);
  },
  /** Runs `fn(arg)` on every shard; resolves with the results in shard order. */
  invokeOnAll<A, R>(fn: RemoteFn<A, R> | string, arg?: A): Future<R[]> {
    const r = currentRuntime();
    const calls: Future<R>[] = [];
    for (let i = 0; i < r.count; i++) calls.push(r.call<R>(i, fn as (arg: never) => unknown, arg));
    return whenAllFutures(calls);
  },
  /** Runs `fn(arg)` on every shard and folds the results with `reduce`, as they arrive. */
  mapReduce<A, R, T>(
    fn: RemoteFn<A, R> | string,
    reduce: (acc: T, value: R) => T,
    initial: T,
    arg?: A,
  ): Future<T> {
    const r = currentRuntime();
    let acc = initial;
    const calls: Future<void>[] = [];
    for (let i = 0; i < r.count; i++) {
      calls.push(
        r.call<R>(i, fn as (arg: never) => unknown, arg).then((v) => {
          acc = reduce(acc, v);
        }),
      );
    }
    return whenAllFutures(calls).then(() => acc);
  },
};

/** Resolves when all futures resolve (results in order); fails with the first failure. */
export function whenAllFutures<T>(futures: readonly PromiseLike<T>[]): Future<T[]> {
  if (futures.length === 0) return Future.ready<T[]>([]);
  const results = new Array<T>(futures.length);
  let left = futures.length;
  let failed = false;
  const out = new Future<T[]>();
  futures.forEach((f, i) => {
    Future.from(f).then(
      (v) => {
        results[i] = v;
        if (--left === 0 && !failed) out.settle({ ok: true, value: results });
      },
      (e) => {
        failed = true;
        out.settle({ ok: false, error: e });
      },
    );
  });
  return out;
}
