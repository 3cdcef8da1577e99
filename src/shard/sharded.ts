import { MpmError } from "../errors/mpm-error.ts";
import type { Future } from "./future.ts";
import { compiledHandler, registerHandler, sourceOf } from "./handler-registry.ts";
import { currentRuntime, shard, whenAllFutures } from "./this-shard.ts";

/** A service has one instance per shard; stop() is awaited on every shard when the service stops. */
export interface Service {
  stop?(): void | PromiseLike<void>;
}

type Factory = (arg: unknown) => Service | PromiseLike<Service>;

const factories = new Map<string, Factory>();
const instances = new Map<string, Service>();
/** Started services of this shard, in start order, so shutdown stops them in reverse. */
const startOrder: string[] = [];

/** The type-level name of a service, returned by defineService and passed to Sharded.start. */
export interface ServiceDefinition<S extends Service, A> {
  readonly name: string;
  /** Phantom fields, never set: they carry the types. */
  readonly _service?: S;
  readonly _arg?: A;
}

/**
 * Declares a service. Call it at the top level of a module that every shard loads (the group's entry or
 * something it imports), so that every shard knows how to build its instance.
 */
export function defineService<S extends Service, A = undefined>(
  name: string,
  factory: (arg: A) => S | PromiseLike<S>,
): ServiceDefinition<S, A> {
  factories.set(name, factory as Factory);
  return { name };
}

function localInstance(name: string): Service {
  const s = instances.get(name);
  if (s === undefined) {
    throw new MpmError("MPM_E_SHARD_NO_HANDLER", `service "${name}" is not running on shard ${shard.id}`, {
      hint: "start it with Sharded.start() first, and do not use it after stop()",
    });
  }
  return s;
}

registerHandler("__svc.start", async (a: { name: string; arg: unknown }) => {
  const factory = factories.get(a.name);
  if (factory === undefined) {
    throw new MpmError("MPM_E_SHARD_NO_HANDLER", `service "${a.name}" is not defined on shard ${shard.id}`, {
      hint: "call defineService() at the top level of a module the group's entry imports",
    });
  }
  if (instances.has(a.name)) {
    throw new MpmError("MPM_E_SHARD_OPTION", `service "${a.name}" is already running on shard ${shard.id}`);
  }
  instances.set(a.name, await factory(a.arg));
  startOrder.push(a.name);
});

registerHandler("__svc.call", (a: { name: string; fn: string; arg: unknown }) =>
  (compiledHandler(a.fn) as unknown as (s: Service, arg: unknown) => unknown)(localInstance(a.name), a.arg),
);

async function stopLocal(name: string): Promise<void> {
  const s = instances.get(name);
  if (s === undefined) return;
  instances.delete(name);
  startOrder.splice(startOrder.indexOf(name), 1);
  await s.stop?.();
}

registerHandler("__svc.stop", (a: { name: string }) => stopLocal(a.name));

/** Stops every service still running on this shard, newest first (used at group shutdown). */
export async function stopAllLocalServices(): Promise<void> {
  for (const name of [...startOrder].reverse()) await stopLocal(name);
}

/** A function run against a shard's instance: it may use only its arguments. */
export type ServiceFn<S, A, R> = (service: S, arg: A) => R | PromiseLike<R>;

/**
 * Seastar's sharded<Service>: one instance per shard, each owning its own data. The handle is a plain
 * value (a name), so it can be sent to other shards inside arguments.
 */
export class Sharded<S extends Service> {
  readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** Builds the service on every shard with `arg` (factories run in parallel). */
  static async start<S extends Service, A>(def: ServiceDefinition<S, A>, arg?: A): Promise<Sharded<S>> {
    await shard.invokeOnAll("__svc.start", { name: def.name, arg });
    return new Sharded<S>(def.name);
  }

  /** Re-creates a handle from its name (e.g. one received in a message). */
  static named<S extends Service>(name: string): Sharded<S> {
    return new Sharded<S>(name);
  }

  /** This shard's instance. */
  local(): S {
    return localInstance(this.name) as S;
  }

  invokeOn<A, R>(target: number, fn: ServiceFn<S, A, R>, arg?: A): Future<R> {
    return currentRuntime().call<R>(target, "__svc.call", { name: this.name, fn: sourceOf(fn), arg });
  }

  invokeOnAll<A, R>(fn: ServiceFn<S, A, R>, arg?: A): Future<R[]> {
    const calls: Future<R>[] = [];
    for (let i = 0; i < shard.count; i++) calls.push(this.invokeOn(i, fn, arg));
    return whenAllFutures(calls);
  }

  mapReduce<A, R, T>(
    fn: ServiceFn<S, A, R>,
    reduce: (acc: T, value: R) => T,
    initial: T,
    arg?: A,
  ): Future<T> {
    return this.invokeOnAll(fn, arg).then((values) => values.reduce(reduce, initial));
  }

  /** Calls stop() on every shard's instance and forgets them. */
  async stop(): Promise<void> {
    await shard.invokeOnAll("__svc.stop", { name: this.name });
  }
}
