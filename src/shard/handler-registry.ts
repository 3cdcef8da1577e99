/**
 * What a cross-shard message can run. Functions cannot cross threads, so a call names either a handler
 * registered under the same name on every shard (modules are loaded on every shard), or carries a
 * function's source text, compiled once per shard and cached. Such a function must not close over
 * variables: everything it needs travels in its argument, which is what message passing means.
 */
export type Handler = (arg: never) => unknown;

const named = new Map<string, Handler>();
const compiled = new Map<string, Handler>();

export function registerHandler<A, R>(name: string, fn: (arg: A) => R | PromiseLike<R>): void {
  named.set(name, fn as Handler);
}

export function namedHandler(name: string): Handler | undefined {
  return named.get(name);
}

const sources = new WeakMap<object, string>();

/** A function's source text, computed once per function object (the sending side of compiledHandler). */
export function sourceOf(fn: (...args: never[]) => unknown): string {
  let text = sources.get(fn);
  if (text === undefined) {
    text = fn.toString();
    sources.set(fn, text);
  }
  return text;
}

/** Compiles (once) the source text of a function sent by another shard. */
export function compiledHandler(source: string): Handler {
  let fn = compiled.get(source);
  if (fn === undefined) {
    fn = new Function(`"use strict"; return (${source});`)() as Handler;
    compiled.set(source, fn);
  }
  return fn;
}
