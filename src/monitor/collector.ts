import { AgentClient, type ClientTlsOptions } from "../agent/client/agent-client.ts";
import { BATCH, parseBatchReply } from "./guest-sample.ts";
import { GuestState } from "./guest-state.ts";
import type { MonitorMetrics } from "./metrics.ts";

interface Guest {
  readonly client: AgentClient;
  readonly state: GuestState;
  countingSince: number | undefined;
}

const BOUNDARY = "mpmmonitorbatch";
const batchBody = (): string => {
  const calls = JSON.stringify(BATCH.map((relative_url) => ({ method: "GET", relative_url })));
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="batch"\r\n\r\n${calls}\r\n--${BOUNDARY}--\r\n`;
};

/**
 * Polls many guests: one POST /api/batch per guest and interval (threads, memory, uptime, tracepoint
 * counts, interfaces in one round trip). A guest that fails, times out or answers garbage is marked down
 * and retried next interval; nothing a guest sends can stop the collector.
 */
export class Collector {
  private readonly guests: Guest[];
  private readonly metrics: MonitorMetrics;
  private readonly tracepoints: readonly string[];
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(options: {
    targets: readonly string[];
    tls: ClientTlsOptions | undefined;
    tracepoints: readonly string[];
    timeoutMs: number;
    metrics: MonitorMetrics;
  }) {
    this.metrics = options.metrics;
    this.tracepoints = options.tracepoints;
    for (const target of options.targets) this.metrics.addGuest(target);
    this.guests = options.targets.map((target) => ({
      client: new AgentClient(target, { tls: options.tls, timeoutMs: options.timeoutMs }),
      state: new GuestState(target),
      countingSince: undefined,
    }));
  }

  views() {
    return this.guests.map((g) => g.state.view);
  }

  /** (Re-)enables counting after first contact and after a reboot, which loses the guest's counters. */
  private async ensureCounting(guest: Guest, uptime: number | undefined): Promise<void> {
    if (this.tracepoints.length === 0) return;
    if (guest.countingSince !== undefined && uptime !== undefined && uptime >= guest.countingSince) return;
    for (const tp of this.tracepoints) {
      await guest.client.json("POST", `/trace/count/${encodeURIComponent(tp)}`, {
        form: { enabled: "true" },
      });
    }
    guest.countingSince = uptime ?? 0;
  }

  private async pollGuest(guest: Guest): Promise<void> {
    const label = guest.state.view.target;
    try {
      await this.ensureCounting(guest, guest.state.last?.uptime);
      const res = await guest.client.request("POST", "/api/batch", {
        body: batchBody(),
        headers: { "Content-Type": `multipart/form-data; boundary=${BOUNDARY}` },
      });
      if (res.status !== 200) throw new Error(`/api/batch answered ${res.status}`);
      const sample = parseBatchReply(JSON.parse(res.body.toString("utf8")));
      if (guest.state.last && sample.uptime < guest.state.last.uptime) guest.countingSince = undefined;
      this.metrics.record(label, sample, guest.state.record(sample, Date.now()));
    } catch (error) {
      guest.state.markDown((error as Error).message);
      guest.countingSince = undefined;
      this.metrics.markDown(label);
    }
  }

  /** Polls every guest in parallel; a slow guest delays only itself (each call has a timeout). */
  async pollOnce(): Promise<void> {
    await Promise.all(this.guests.map((g) => this.pollGuest(g)));
  }

  start(intervalMs: number): void {
    const tick = async () => {
      if (this.polling) return;
      this.polling = true;
      try {
        await this.pollOnce();
      } finally {
        this.polling = false;
      }
    };
    void tick();
    this.timer = setInterval(() => void tick(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
