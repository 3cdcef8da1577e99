import { Counter, Gauge, Registry } from "prom-client";
import type { GuestSample } from "./guest-sample.ts";
import type { derive } from "./guest-state.ts";

interface Latest {
  up: boolean;
  sample: GuestSample | undefined;
  derived: ReturnType<typeof derive> | undefined;
}

type Labels = Record<string, string>;
type Reading = [Labels, number];

/**
 * The Prometheus metrics of `mpm monitor`, label `guest` = the target as given. Gauges are computed at
 * scrape time from the latest poll of each guest, so threads that end and guests that go down leave no
 * stale series behind.
 */
export class MonitorMetrics {
  readonly registry = new Registry();
  private readonly latest = new Map<string, Latest>();
  private readonly failures = new Counter({
    name: "mpm_guest_poll_failures_total",
    help: "Polls that failed (unreachable, error status or garbage)",
    labelNames: ["guest"],
    registers: [this.registry],
  });

  constructor() {
    const sampled =
      (read: (guest: string, s: GuestSample, d: ReturnType<typeof derive>) => Reading[]) => () =>
        [...this.latest].flatMap(([guest, l]) =>
          l.up && l.sample && l.derived ? read(guest, l.sample, l.derived) : [],
        );
    this.gauge("mpm_guest_up", "1 if the last poll of the guest succeeded, else 0", ["guest"], () =>
      [...this.latest].map(([guest, l]) => [{ guest }, l.up ? 1 : 0] as Reading),
    );
    this.gauge(
      "mpm_guest_uptime_seconds",
      "Guest uptime (/os/uptime)",
      ["guest"],
      sampled((guest, s) => [[{ guest }, s.uptime]]),
    );
    this.gauge(
      "mpm_guest_memory_total_bytes",
      "Guest memory (/os/memory/total)",
      ["guest"],
      sampled((guest, s) => [[{ guest }, s.memoryTotal]]),
    );
    this.gauge(
      "mpm_guest_memory_free_bytes",
      "Free guest memory (/os/memory/free)",
      ["guest"],
      sampled((guest, s) => [[{ guest }, s.memoryFree]]),
    );
    this.gauge(
      "mpm_guest_threads",
      "Threads listed by /os/threads",
      ["guest"],
      sampled((guest, s) => [[{ guest }, s.threads.length]]),
    );
    this.gauge(
      "mpm_guest_thread_cpu_percent",
      "%CPU of the busiest threads over the last poll interval (100 = one CPU)",
      ["guest", "thread"],
      sampled((guest, _s, d) => Object.entries(d.threadCpu).map(([thread, v]) => [{ guest, thread }, v])),
    );
    this.gauge(
      "mpm_guest_cpu_idle_percent",
      "Idle % per guest CPU over the last poll interval",
      ["guest", "cpu"],
      sampled((guest, _s, d) => Object.entries(d.idle).map(([cpu, v]) => [{ guest, cpu }, v])),
    );
    this.gauge(
      "mpm_guest_tracepoint_count",
      "Events counted since counting was enabled",
      ["guest", "tracepoint"],
      sampled((guest, s) => (s.counts?.list ?? []).map((c) => [{ guest, tracepoint: c.name }, c.count])),
    );
    this.gauge(
      "mpm_guest_tracepoint_rate",
      "Tracepoint events per second over the last poll interval",
      ["guest", "tracepoint"],
      sampled((guest, _s, d) =>
        Object.entries(d.traceRates).map(([tracepoint, v]) => [{ guest, tracepoint }, v]),
      ),
    );
    this.gauge(
      "mpm_guest_network_receive_bytes",
      "Bytes received per interface (ifi_ibytes)",
      ["guest", "interface"],
      sampled((guest, s) => s.interfaces.map((i) => [{ guest, interface: i.name }, i.rxBytes])),
    );
    this.gauge(
      "mpm_guest_network_transmit_bytes",
      "Bytes sent per interface (ifi_obytes)",
      ["guest", "interface"],
      sampled((guest, s) => s.interfaces.map((i) => [{ guest, interface: i.name }, i.txBytes])),
    );
  }

  private gauge(name: string, help: string, labelNames: string[], read: () => Reading[]): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.set(labels, value);
      },
    });
  }

  /** Declares the guests up front so /metrics lists them (as down) before the first poll ends. */
  addGuest(guest: string): void {
    if (!this.latest.has(guest)) this.latest.set(guest, { up: false, sample: undefined, derived: undefined });
  }

  record(guest: string, sample: GuestSample, derived: ReturnType<typeof derive>): void {
    this.latest.set(guest, { up: true, sample, derived });
  }

  markDown(guest: string): void {
    this.latest.set(guest, { up: false, sample: undefined, derived: undefined });
    this.failures.inc({ guest });
  }
}
