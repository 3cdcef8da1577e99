import { fixed, padded } from "./printf.ts";

export interface ThreadSample {
  id: number;
  cpu: number;
  cpu_ms: number;
  switches: number;
  migrations: number;
  preemptions: number;
  name: string;
}

export interface ThreadsSample {
  list: ThreadSample[];
  time_ms: number;
}

export interface TopOptions {
  /** Show context-switch, preemption and migration columns (top.py -s). */
  switches: boolean;
  /** Number of thread rows (top.py -l, default 20). */
  lines: number;
  /** Show idle threads as rows (top.py -i). */
  idle: boolean;
}

type Field = "id" | "cpu" | "cpu_ms" | "switches" | "migrations" | "preemptions" | "name";

interface Column {
  title: string;
  width: number | undefined;
  field: Field;
  /** plain: the value; rate: per second; rateby: per unit of another field. */
  kind: "plain" | "rate" | "rateby";
  by?: Field;
  multiplier?: number;
  decimals?: number;
}

const BASE: Column[] = [
  { title: "ID", width: 5, field: "id", kind: "plain" },
  { title: "CPU", width: 3, field: "cpu", kind: "plain" },
  { title: "%CPU", width: 5, field: "cpu_ms", kind: "rate", multiplier: 0.1, decimals: 1 },
  { title: "TIME", width: 7, field: "cpu_ms", kind: "plain", multiplier: 0.001, decimals: 2 },
];

const SWITCHES: Column[] = [
  { title: "sw", width: 7, field: "switches", kind: "plain" },
  { title: "sw/s", width: 7, field: "switches", kind: "rate", decimals: 1 },
  {
    title: "us/sw",
    width: 5,
    field: "cpu_ms",
    kind: "rateby",
    by: "switches",
    multiplier: 1000,
    decimals: 0,
  },
  { title: "preempt", width: 7, field: "preemptions", kind: "plain" },
  { title: "pre/s", width: 7, field: "preemptions", kind: "rate", decimals: 1 },
  { title: "mig", width: 6, field: "migrations", kind: "plain" },
  { title: "mig/s", width: 5, field: "migrations", kind: "rate", decimals: 1 },
];

const NAME: Column = { title: "NAME", width: undefined, field: "name", kind: "plain" };

export function columnsFor(options: TopOptions): Column[] {
  return [...BASE, ...(options.switches ? SWITCHES : []), NAME];
}

/** OSv sent 0xffffffff (older) or -1 (newer) for a thread that never ran; top shows "-". */
const cpuText = (cpu: number): string => (cpu === -1 || cpu === 0xffffffff ? "-" : String(cpu));

const num = (t: ThreadSample, field: Field): number => Number(t[field]);

function cell(col: Column, cur: ThreadSample, prev: ThreadSample, dtMs: number): string {
  let value: number | string;
  if (col.field === "name") value = cur.name;
  else if (col.field === "cpu" && col.kind === "plain") value = cpuText(cur.cpu);
  else if (col.kind === "plain") value = num(cur, col.field) * (col.multiplier ?? 1);
  else if (col.kind === "rate")
    value = ((num(cur, col.field) - num(prev, col.field)) / (dtMs / 1000)) * (col.multiplier ?? 1);
  else {
    const delta = num(cur, col.field) - num(prev, col.field);
    const den = num(cur, col.by!) - num(prev, col.by!);
    // top.py skips the division when nothing changed; a zero denominator would crash it, we show 0.
    value = delta === 0 || den === 0 ? 0 : (delta / den) * (col.multiplier ?? 1);
  }
  if (typeof value === "number" && col.decimals !== undefined)
    return fixed(value, col.width ?? 0, col.decimals);
  return col.width === undefined ? String(value) : padded(value, col.width);
}

/**
 * One refresh of `mpm top`, as OSv's top.py prints it: thread count, idle per CPU, the title line and the
 * busiest threads by CPU time used since the previous sample (rates use the guest's time_ms).
 */
export function topFrame(cur: ThreadsSample, prev: ThreadsSample | undefined, options: TopOptions): string[] {
  const lines: string[] = [];
  const idle = cur.list.filter((t) => t.name.startsWith("idle")).sort((a, b) => a.name.localeCompare(b.name));
  let head = `${cur.list.length} threads `;
  const dtMs = prev ? cur.time_ms - prev.time_ms : 0;
  if (prev && idle.length > 0 && dtMs > 0) {
    const prevById = new Map(prev.list.map((t) => [t.name, t]));
    const pcts = idle.map((t) => (100 * (t.cpu_ms - (prevById.get(t.name)?.cpu_ms ?? t.cpu_ms))) / dtMs);
    head += `on ${idle.length} CPUs; idle: ${pcts.map((p) => `${fixed(p, 3, 0)}% `).join("")}`;
    if (idle.length > 1)
      head += ` (total ${fixed(
        pcts.reduce((a, b) => a + b, 0),
        3,
        0,
      )}%)`;
  }
  lines.push(head.trimEnd());
  const columns = columnsFor(options);
  lines.push(columns.map((c) => (c.width === undefined ? c.title : padded(c.title, c.width))).join(" "));
  if (!prev || dtMs <= 0) return lines;
  const prevById = new Map(prev.list.map((t) => [t.id, t]));
  const shown = options.idle ? cur.list : cur.list.filter((t) => !t.name.startsWith("idle"));
  const ranked = [...shown].sort((a, b) => {
    const pa = prevById.get(a.id);
    const pb = prevById.get(b.id);
    const da = pa ? a.cpu_ms - pa.cpu_ms : 0;
    const db = pb ? b.cpu_ms - pb.cpu_ms : 0;
    return db - da || (pb?.cpu_ms ?? 0) - (pa?.cpu_ms ?? 0);
  });
  for (const t of ranked.slice(0, options.lines)) {
    const p = prevById.get(t.id);
    // A thread new since the last sample has no rates yet; like top.py it still takes one of the rows.
    if (!p) continue;
    lines.push(columns.map((c) => cell(c, t, p, dtMs)).join(" "));
  }
  return lines;
}
