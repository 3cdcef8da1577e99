/**
 * The entry point of every shard thread: installs the shard's runtime, applies its options, loads the
 * group's entry module (which registers handlers and services at its top level) and tells the controller.
 */
import { parentPort, workerData } from "node:worker_threads";
import { setContinuationBound } from "./continuation-budget.ts";
import { registerHandler } from "./handler-registry.ts";
// Registers the built-in "__metrics" handler on every shard.
import "./metrics.ts";
import { ShardRuntime } from "./shard-runtime.ts";
import { stopAllLocalServices } from "./sharded.ts";
import { installRuntime } from "./this-shard.ts";
import type { ShardWorkerData } from "./worker-data.ts";

const data = workerData as ShardWorkerData;
setContinuationBound(data.continuationBound);
const runtime = new ShardRuntime(data.topology, data.id);
installRuntime(runtime);

type EntryModule = { main?: (arg: unknown) => unknown };
let entry: EntryModule = {};

registerHandler("__main", (arg: unknown) => {
  if (typeof entry.main !== "function") return undefined;
  return entry.main(arg);
});

registerHandler("__shutdown", async () => {
  await stopAllLocalServices();
  runtime.stop();
  parentPort!.close();
});

// The port's listener keeps this thread alive while idle (Atomics.waitAsync alone does not); __shutdown closes it.
parentPort!.on("message", () => {});

try {
  if (data.entry !== undefined) entry = (await import(data.entry)) as EntryModule;
  runtime.start();
  parentPort!.postMessage({ type: "ready" });
} catch (error) {
  parentPort!.postMessage({
    type: "failed",
    message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}
