/** The sharded framework's public API. See docs/seastar-tutorial.md. */
export {
  continuationBound,
  DEFAULT_CONTINUATION_BOUND,
  setContinuationBound,
} from "./continuation-budget.ts";
export { Future, Promised } from "./future.ts";
export { Gate } from "./gate.ts";
export { registerHandler } from "./handler-registry.ts";
export { doUntil, keepDoing, type LoopControl, parallelForEach, repeat, whenAll } from "./loops.ts";
export { collectMetrics, type MetricsSnapshot, metrics, renderPrometheus } from "./metrics.ts";
export { Semaphore } from "./semaphore.ts";
export { ShardFile } from "./shard-file.ts";
export { ShardGroup, type ShardGroupOptions } from "./shard-group.ts";
export { bindUdpOnShard, type ListenAddress, listenOnShard } from "./shard-net.ts";
export { defineService, type Service, type ServiceDefinition, Sharded } from "./sharded.ts";
export { type RemoteFn, shard } from "./this-shard.ts";
export { LOWRES_TICK_MS, lowresClock, sleep } from "./timers.ts";
