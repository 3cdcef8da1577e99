import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../../test/run/cli.ts";
import { type PingPongRow, pingPongMBps } from "./measure.ts";
import { logLogChart } from "./svg-chart.ts";

/** Writes docs/vrdma-guests-latency.svg and docs/vrdma-guests-bandwidth.svg from the ping-pong rows. */
export function writeGuestCharts(rows: readonly PingPongRow[]): void {
  const curve = (pick: (r: PingPongRow) => number, f: (rtt: number, size: number) => number) =>
    rows.map((r) => [r.size, f(pick(r), r.size)] as [number, number]);
  const us = (rtt: number) => (rtt / 2) * 1000;
  const series = (f: (rtt: number, size: number) => number) => [
    { name: "ivshmem, socket API", points: curve((r) => r.shm, f) },
    { name: "user net (TCP), socket API", points: curve((r) => r.tcp, f) },
    { name: "ivshmem, raw rings", points: curve((r) => r.raw, f) },
  ];
  writeFileSync(
    join(REPO, "docs/vrdma-guests-latency.svg"),
    logLogChart({
      title: "Guest to guest: one-way latency (lower is better)",
      xLabel: "message size (bytes)",
      yLabel: "one-way latency (µs)",
      series: series(us),
    }),
  );
  writeFileSync(
    join(REPO, "docs/vrdma-guests-bandwidth.svg"),
    logLogChart({
      title: "Guest to guest: ping-pong bandwidth (higher is better)",
      xLabel: "message size (bytes)",
      yLabel: "MB/s",
      series: series(pingPongMBps),
    }),
  );
}
