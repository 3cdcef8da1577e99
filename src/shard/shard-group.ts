import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { MpmError } from "../errors/mpm-error.ts";
import { DEFAULT_CONTINUATION_BOUND } from "./continuation-budget.ts";
import type { Future } from "./future.ts";
import { ShardRuntime } from "./shard-runtime.ts";
import { installRuntime, type RemoteFn, shard } from "./this-shard.ts";
import { createTopology, DEFAULT_RING_BYTES } from "./topology.ts";
import type { ShardWorkerData } from "./worker-data.ts";

export interface ShardGroupOptions {
  /** Module every shard loads: a path or URL. Its top level registers handlers and services; its `main` runs on shard 0. */
  readonly entry?: string | URL;
  /** Number of shards; default: the number of cores. */
  readonly shards?: number;
  /** Ready continuations run inline per loop turn before deferring (default 256). */
  readonly continuationBound?: number;
  /** Bytes of each per-pair ring (power of two, default 256 KiB). */
  readonly ringBytes?: number;
  /** Milliseconds to wait for shards to start or stop (default 30 s). */
  readonly timeoutMs?: number;
}

const workerUrl = new URL("./shard-worker.ts", import.meta.url);

/**
 * A running group of shards, seen from the thread that started it (the controller). Each shard is a worker
 * thread with its own event loop; they talk only through the SPSC rings. See docs/design/shards.md.
 */
export class ShardGroup {
  readonly shards: number;
  private readonly workers: Worker[];
  private readonly runtime: ShardRuntime;
  private readonly timeoutMs: number;
  private stopping: Promise<void> | undefined;

  private constructor(shards: number, workers: Worker[], runtime: ShardRuntime, timeoutMs: number) {
    this.shards = shards;
    this.workers = workers;
    this.runtime = runtime;
    this.timeoutMs = timeoutMs;
  }

  static async start(options: ShardGroupOptions = {}): Promise<ShardGroup> {
    const shards = options.shards ?? availableParallelism();
    checkInteger("shards", shards, 1, 1024);
    const bound = options.continuationBound ?? DEFAULT_CONTINUATION_BOUND;
    checkInteger("continuationBound", bound, 0, 1 << 30);
    const ringBytes = options.ringBytes ?? DEFAULT_RING_BYTES;
    if (ringBytes < 1024 || (ringBytes & (ringBytes - 1)) !== 0) {
      throw new MpmError("MPM_E_SHARD_OPTION", `ringBytes must be a power of two >= 1024, got ${ringBytes}`, {
        hint: "use e.g. 262144 (256 KiB)",
      });
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    const topology = createTopology(shards, ringBytes);
    const entry = options.entry === undefined ? undefined : toUrl(options.entry);
    const workers: Worker[] = [];
    for (let id = 0; id < shards; id++) {
      const data: ShardWorkerData = { id, topology, continuationBound: bound, entry };
      workers.push(new Worker(workerUrl, { workerData: data }));
    }
    const runtime = new ShardRuntime(topology, shards);
    installRuntime(runtime);
    runtime.start();
    const group = new ShardGroup(shards, workers, runtime, timeoutMs);
    try {
      await withTimeout(Promise.all(workers.map((w, id) => waitReady(w, id))), timeoutMs, "start");
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      runtime.stop();
      installRuntime(undefined);
      throw error;
    }
    return group;
  }

  /** Runs the entry module's exported `main(arg)` on shard 0 and resolves with its result. */
  runMain<R>(arg?: unknown): Future<R> {
    return this.runtime.call<R>(0, "__main", arg);
  }

  submitTo<A, R>(target: number, fn: RemoteFn<A, R> | string, arg?: A): Future<R> {
    return shard.submitTo(target, fn, arg);
  }

  invokeOnAll<A, R>(fn: RemoteFn<A, R> | string, arg?: A): Future<R[]> {
    return shard.invokeOnAll(fn, arg);
  }

  /** Calls the given listener when any shard thread dies unexpectedly. */
  onShardExit(listener: (id: number, error: Error) => void): void {
    this.workers.forEach((w, id) => {
      w.on("error", (error) => listener(id, error));
    });
  }

  /** Stops every service on every shard (newest first), then ends the shard threads. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    try {
      await withTimeout(Promise.resolve(shard.invokeOnAll("__shutdown")), this.timeoutMs, "stop");
    } finally {
      await Promise.all(this.workers.map((w) => w.terminate()));
      this.runtime.stop();
      installRuntime(undefined);
    }
  }
}

function toUrl(entry: string | URL): string {
  if (entry instanceof URL) return entry.href;
  return /^[a-z]+:/.test(entry) ? entry : pathToFileURL(entry).href;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MpmError(
      "MPM_E_SHARD_OPTION",
      `${name} must be an integer from ${min} to ${max}, got ${value}`,
    );
  }
}

function waitReady(worker: Worker, id: number): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.once("message", (m: { type: string; message?: string }) => {
      if (m.type === "ready") resolve();
      else {
        reject(
          new MpmError("MPM_E_SHARD_START", `shard ${id} failed to start: ${m.message}`, {
            hint: "check the entry module: it is loaded on every shard and must not throw at its top level",
          }),
        );
      }
    });
    worker.once("error", (error) =>
      reject(new MpmError("MPM_E_SHARD_START", `shard ${id} failed: ${error.message}`, { cause: error })),
    );
  });
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new MpmError("MPM_E_SHARD_START", `shards did not ${what} within ${ms} ms`, {
            hint: "a shard is blocked; check the entry module and services for synchronous loops",
          }),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
