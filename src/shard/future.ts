import { runContinuation } from "./continuation-budget.ts";

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
type Callback<T> = (result: Settled<T>) => void;

/**
 * A Seastar-style future: a thenable whose continuations run immediately when the value is already
 * available (within the continuation bound), instead of always going through the microtask queue like a
 * Promise. It interoperates both ways: `await future` works, and a continuation may return a Promise.
 */
export class Future<T> implements PromiseLike<T> {
  private result: Settled<T> | undefined;
  private callbacks: Callback<T>[] | undefined;

  static ready<T>(value: T): Future<T> {
    const f = new Future<T>();
    f.result = { ok: true, value };
    return f;
  }

  static failed<T = never>(error: unknown): Future<T> {
    const f = new Future<T>();
    f.result = { ok: false, error };
    return f;
  }

  /** Adopts a value, a Future or any thenable. */
  static from<T>(value: T | PromiseLike<T>): Future<T> {
    if (value instanceof Future) return value;
    if (isThenable(value)) {
      const p = new Promised<T>();
      value.then(
        (v) => p.resolve(v),
        (e) => p.reject(e),
      );
      return p.future;
    }
    return Future.ready(value as T);
  }

  /** Calls fn and adopts its result; a synchronous throw becomes a failed future instead of escaping. */
  static invoke<T>(fn: () => T | PromiseLike<T>): Future<T> {
    try {
      return Future.from(fn());
    } catch (error) {
      return Future.failed(error);
    }
  }

  isReady(): boolean {
    return this.result !== undefined;
  }

  /** @internal settles once; later calls are ignored. */
  settle(result: Settled<T>): void {
    if (this.result !== undefined) return;
    this.result = result;
    const callbacks = this.callbacks;
    this.callbacks = undefined;
    if (callbacks) for (const cb of callbacks) runContinuation(() => cb(result));
  }

  private onSettled(cb: Callback<T>): void {
    const result = this.result;
    if (result !== undefined) runContinuation(() => cb(result));
    else if (this.callbacks === undefined) this.callbacks = [cb];
    else this.callbacks.push(cb);
  }

  // biome-ignore lint/suspicious/noThenProperty: a Future is meant to be a thenable, so `await future` works.
  then<R1 = T, R2 = never>(
    onValue?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onError?: ((error: unknown) => R2 | PromiseLike<R2>) | null,
  ): Future<R1 | R2> {
    const next = new Promised<R1 | R2>();
    this.onSettled((result) => {
      try {
        if (result.ok) {
          if (onValue) next.adopt(onValue(result.value));
          else next.resolve(result.value as unknown as R1);
        } else if (onError) next.adopt(onError(result.error));
        else next.reject(result.error);
      } catch (error) {
        next.reject(error);
      }
    });
    return next.future;
  }

  catch<R = never>(onError: (error: unknown) => R | PromiseLike<R>): Future<T | R> {
    return this.then(undefined, onError);
  }

  finally(fn: () => void): Future<T> {
    return this.then(
      (v) => {
        fn();
        return v;
      },
      (e) => {
        fn();
        throw e;
      },
    );
  }
}

/** The producing side of a Future (Seastar's promise). */
export class Promised<T> {
  readonly future = new Future<T>();

  resolve(value: T): void {
    this.future.settle({ ok: true, value });
  }

  reject(error: unknown): void {
    this.future.settle({ ok: false, error });
  }

  /** Resolves with a plain value or follows a Future/thenable. */
  adopt(value: T | PromiseLike<T>): void {
    if (isThenable(value)) {
      value.then(
        (v) => this.resolve(v),
        (e) => this.reject(e),
      );
    } else this.resolve(value as T);
  }
}

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
