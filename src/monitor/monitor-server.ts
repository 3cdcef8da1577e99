import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Collector } from "./collector.ts";
import { dashboardPage } from "./dashboard-page.ts";
import type { MonitorMetrics } from "./metrics.ts";

/** Serves /metrics (Prometheus text format), /api/guests (JSON with history) and the dashboard at /. */
export function createMonitorServer(options: {
  collector: Collector;
  metrics: MonitorMetrics;
  intervalMs: number;
}): Server {
  const page = dashboardPage({ intervalMs: options.intervalMs });
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain", "only GET\n");
    if (path === "/metrics") {
      options.metrics.registry
        .metrics()
        .then((text) => send(200, options.metrics.registry.contentType, text))
        .catch((error: Error) => send(500, "text/plain", `${error.message}\n`));
      return;
    }
    if (path === "/api/guests")
      return send(200, "application/json", JSON.stringify(options.collector.views()));
    if (path === "/") return send(200, "text/html; charset=utf-8", page);
    send(404, "text/plain", "not found\n");
  });
}

export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
