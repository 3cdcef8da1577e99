import type { GuestSample } from "./guest-sample.ts";

/** One point of a guest's history, as the dashboard plots it. */
export interface HistoryPoint {
  t: number;
  memoryUsed: number;
  /** %CPU of the busiest threads (by name#id) over the last interval. */
  threadCpu: Record<string, number>;
  /** Tracepoint events per second over the last interval. */
  traceRates: Record<string, number>;
}

export interface GuestView {
  target: string;
  up: boolean;
  error: string | undefined;
  lastSeen: number | undefined;
  uptime: number | undefined;
  memoryTotal: number | undefined;
  memoryFree: number | undefined;
  threads: number | undefined;
  idle: Record<string, number>;
  history: HistoryPoint[];
}

/** Threads plotted per guest: the busiest ones, so label sets and the page stay small. */
export const TOP_THREADS = 5;
const HISTORY = 300;

/** Rates from two samples of the same guest; a reboot (uptime going back) restarts the baseline. */
export function derive(
  cur: GuestSample,
  prev: GuestSample | undefined,
): { threadCpu: Record<string, number>; idle: Record<string, number>; traceRates: Record<string, number> } {
  const threadCpu: Record<string, number> = {};
  const idle: Record<string, number> = {};
  const traceRates: Record<string, number> = {};
  if (!prev || cur.uptime < prev.uptime) return { threadCpu, idle, traceRates };
  const dt = cur.timeMs - prev.timeMs;
  if (dt > 0) {
    const before = new Map(prev.threads.map((t) => [t.id, t.cpu_ms]));
    const rates = cur.threads
      .filter((t) => before.has(t.id))
      .map((t) => ({ t, pct: (100 * (t.cpu_ms - before.get(t.id)!)) / dt }));
    for (const { t, pct } of rates.filter((r) => r.t.name.startsWith("idle"))) idle[t.name] = pct;
    const busy = rates.filter((r) => !r.t.name.startsWith("idle")).sort((a, b) => b.pct - a.pct);
    for (const { t, pct } of busy.slice(0, TOP_THREADS)) threadCpu[`${t.name}#${t.id}`] = Math.max(0, pct);
  }
  if (cur.counts && prev.counts) {
    const cdt = (cur.counts.time_ms - prev.counts.time_ms) / 1000;
    const before = new Map(prev.counts.list.map((c) => [c.name, c.count]));
    for (const c of cur.counts.list) {
      const p = before.get(c.name);
      if (p !== undefined && cdt > 0) traceRates[c.name] = Math.max(0, c.count - p) / cdt;
    }
  }
  return { threadCpu, idle, traceRates };
}

/** The collector's memory of one guest: last sample, status and a bounded history. */
export class GuestState {
  readonly view: GuestView;
  last: GuestSample | undefined;

  constructor(target: string) {
    this.view = {
      target,
      up: false,
      error: "not polled yet",
      lastSeen: undefined,
      uptime: undefined,
      memoryTotal: undefined,
      memoryFree: undefined,
      threads: undefined,
      idle: {},
      history: [],
    };
  }

  record(sample: GuestSample, now: number): ReturnType<typeof derive> {
    const d = derive(sample, this.last);
    this.last = sample;
    Object.assign(this.view, {
      up: true,
      error: undefined,
      lastSeen: now,
      uptime: sample.uptime,
      memoryTotal: sample.memoryTotal,
      memoryFree: sample.memoryFree,
      threads: sample.threads.length,
      idle: d.idle,
    });
    this.view.history.push({
      t: now,
      memoryUsed: sample.memoryTotal - sample.memoryFree,
      threadCpu: d.threadCpu,
      traceRates: d.traceRates,
    });
    if (this.view.history.length > HISTORY) this.view.history.shift();
    return d;
  }

  markDown(error: string): void {
    this.view.up = false;
    this.view.error = error;
    // Rates after an outage must not span it.
    this.last = undefined;
  }
}
