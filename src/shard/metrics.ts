import { continuationBound, deferredContinuations } from "./continuation-budget.ts";
import { registerHandler } from "./handler-registry.ts";
import { currentRuntime, shard } from "./this-shard.ts";

/** One shard's metrics: name -> value. */
export type MetricsSnapshot = Record<string, number>;

const counters = new Map<string, number>();
const gauges = new Map<string, () => number>();

/** Per-shard metrics. Each shard keeps its own values (no sharing); collectMetrics() gathers them. */
export const metrics = {
  /** Adds `by` to a counter of this shard. */
  count(name: string, by = 1): void {
    counters.set(name, (counters.get(name) ?? 0) + by);
  },
  /** Registers a gauge read when metrics are collected. */
  gauge(name: string, read: () => number): void {
    gauges.set(name, read);
  },
  /** This shard's values, including the framework's own. */
  snapshot(): MetricsSnapshot {
    const out: MetricsSnapshot = {};
    const r = currentRuntime();
    out["shard_messages_sent_total"] = r.traffic.sent;
    out["shard_messages_received_total"] = r.traffic.received;
    out["shard_messages_backlogged_total"] = r.traffic.backlogged;
    out["shard_wakeups_total"] = r.traffic.wakeups;
    out["shard_continuations_deferred_total"] = deferredContinuations();
    out["shard_continuation_bound"] = continuationBound();
    out["shard_heap_used_bytes"] = process.memoryUsage().heapUsed;
    for (const [k, v] of counters) out[k] = v;
    for (const [k, read] of gauges) out[k] = read();
    return out;
  },
};

registerHandler("__metrics", () => metrics.snapshot());

/** Every shard's snapshot, in shard order. */
export function collectMetrics(): PromiseLike<MetricsSnapshot[]> {
  return shard.invokeOnAll<undefined, MetricsSnapshot>("__metrics");
}

/** Renders snapshots in the Prometheus text format, one series per shard (label shard="i"). */
export function renderPrometheus(snapshots: readonly MetricsSnapshot[]): string {
  const names = new Set<string>();
  for (const s of snapshots) for (const k of Object.keys(s)) names.add(k);
  const lines: string[] = [];
  for (const name of [...names].sort()) {
    lines.push(`# TYPE ${name} ${name.endsWith("_total") ? "counter" : "gauge"}`);
    snapshots.forEach((s, i) => {
      if (s[name] !== undefined) lines.push(`${name}{shard="${i}"} ${s[name]}`);
    });
  }
  return `${lines.join("\n")}\n`;
}
