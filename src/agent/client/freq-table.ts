import { fixed, padded } from "./printf.ts";

export interface CountsSample {
  list: { name: string; count: number }[];
  time_ms: number;
}

/** Columns are as wide as the longest of 15 and the tracepoint's name, as in OSv's freq.py. */
export const columnWidth = (name: string): number => Math.max(15, name.length);

export function freqHeader(names: readonly string[]): string {
  return names.map((n) => padded(n, columnWidth(n))).join(" ");
}

/** Events per second of each named tracepoint between two /trace/count samples (ms-since-boot time base). */
export function freqRates(cur: CountsSample, prev: CountsSample, names: readonly string[]): number[] {
  const dt = (cur.time_ms - prev.time_ms) / 1000;
  const count = (s: CountsSample, n: string) => s.list.find((e) => e.name === n)?.count ?? 0;
  // Counters restart when re-enabled (or the guest reboots): a drop is shown as the new count's rate.
  return names.map((n) => {
    const delta = count(cur, n) - count(prev, n);
    return dt > 0 ? (delta >= 0 ? delta : count(cur, n)) / dt : 0;
  });
}

export function freqRow(names: readonly string[], rates: readonly number[]): string {
  return names.map((n, i) => fixed(rates[i] ?? 0, columnWidth(n), 0)).join(" ");
}
