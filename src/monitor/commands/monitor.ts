import type { ClientTlsOptions } from "../../agent/client/agent-client.ts";
import { MpmError } from "../../errors/mpm-error.ts";
import { Collector } from "../collector.ts";
import { MonitorMetrics } from "../metrics.ts";
import { createMonitorServer, listen } from "../monitor-server.ts";

export interface MonitorOptions {
  targets: string[];
  /** Seconds between polls of each guest. */
  interval: number;
  /** Tracepoints to count on every guest (needs the full API and tracefs in the guest). */
  tracepoints: string[];
  host: string;
  port: number;
  tls: ClientTlsOptions | undefined;
}

export interface RunningMonitor {
  readonly url: string;
  readonly collector: Collector;
  close(): Promise<void>;
}

export async function startMonitor(options: MonitorOptions): Promise<RunningMonitor> {
  if (options.targets.length === 0) {
    throw new MpmError("MPM_E_AGENT_CONFIG", "mpm monitor needs at least one target", {
      hint: "Give agents as host:port, e.g. mpm monitor 127.0.0.1:8000 10.0.0.5:8000",
    });
  }
  const intervalMs = Math.round(options.interval * 1000);
  const metrics = new MonitorMetrics();
  const collector = new Collector({
    targets: options.targets,
    tls: options.tls,
    tracepoints: options.tracepoints,
    // A poll may take at most one interval (at least 1 s), so a hung guest never piles up requests.
    timeoutMs: Math.max(1000, intervalMs),
    metrics,
  });
  const server = createMonitorServer({ collector, metrics, intervalMs });
  let address: { port: number; address: string };
  try {
    address = await listen(server, options.host, options.port);
  } catch (cause) {
    throw new MpmError(
      "MPM_E_AGENT_CONFIG",
      `Cannot listen on ${options.host}:${options.port}: ${(cause as Error).message}`,
      {
        hint: "Pick another --port (0 picks a free one)",
        cause,
      },
    );
  }
  collector.start(intervalMs);
  return {
    url: `http://${address.address}:${address.port}`,
    collector,
    close: () =>
      new Promise((resolve) => {
        collector.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
