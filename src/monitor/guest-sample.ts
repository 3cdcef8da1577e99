/** What one poll of a guest yields, validated from the agent's /api/batch answer. */
export interface GuestSample {
  /** Guest wall clock (ms) from /os/threads, the time base of thread rates. */
  timeMs: number;
  threads: { id: number; name: string; cpu_ms: number; cpu: number }[];
  memoryTotal: number;
  memoryFree: number;
  uptime: number;
  /** Counted tracepoints; undefined when the agent has no tracing (read-only or no tracefs). */
  counts: { list: { name: string; count: number }[]; time_ms: number } | undefined;
  interfaces: { name: string; rxBytes: number; txBytes: number; rxPackets: number; txPackets: number }[];
}

export const BATCH = [
  "/os/threads",
  "/os/memory/total",
  "/os/memory/free",
  "/os/uptime",
  "/trace/count",
  "/network/ifconfig/",
] as const;

export class GarbageError extends Error {}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function expect(cond: boolean, what: string): void {
  if (!cond) throw new GarbageError(`bad ${what}`);
}

/** Validates the batch reply; anything malformed throws GarbageError (the guest is then marked down). */
export function parseBatchReply(value: unknown): GuestSample {
  expect(Array.isArray(value) && value.length === BATCH.length, "batch reply");
  const parts = value as { code: unknown; body: unknown }[];
  const ok = (i: number): unknown => {
    const p = parts[i];
    expect(
      p !== null && typeof p === "object" && p.code === 200,
      `${BATCH[i]} answer (code ${String(p?.code)})`,
    );
    return p!.body;
  };
  const threads = ok(0) as { list?: unknown; time_ms?: unknown };
  expect(
    threads !== null && typeof threads === "object" && Array.isArray(threads.list) && isNum(threads.time_ms),
    "/os/threads",
  );
  const list = (threads.list as Record<string, unknown>[]).map((t) => {
    expect(isNum(t["id"]) && isNum(t["cpu_ms"]) && typeof t["name"] === "string", "/os/threads entry");
    return {
      id: t["id"] as number,
      name: t["name"] as string,
      cpu_ms: t["cpu_ms"] as number,
      cpu: Number(t["cpu"]),
    };
  });
  const memoryTotal = ok(1);
  const memoryFree = ok(2);
  const uptime = ok(3);
  expect(isNum(memoryTotal) && isNum(memoryFree) && isNum(uptime), "memory/uptime numbers");
  const countsPart = parts[4]!;
  let counts: GuestSample["counts"];
  if (countsPart.code === 200) {
    const c = countsPart.body as { list?: unknown; time_ms?: unknown };
    expect(c !== null && typeof c === "object" && Array.isArray(c.list) && isNum(c.time_ms), "/trace/count");
    counts = c as GuestSample["counts"];
  }
  const ifaces = ok(5);
  expect(Array.isArray(ifaces), "/network/ifconfig");
  const interfaces = (ifaces as { config?: { name?: unknown }; data?: Record<string, unknown> }[]).map(
    (i) => {
      expect(typeof i?.config?.name === "string" && i.data !== undefined, "interface");
      const d = i.data!;
      return {
        name: i.config!.name as string,
        rxBytes: Number(d["ifi_ibytes"]) || 0,
        txBytes: Number(d["ifi_obytes"]) || 0,
        rxPackets: Number(d["ifi_ipackets"]) || 0,
        txPackets: Number(d["ifi_opackets"]) || 0,
      };
    },
  );
  return {
    timeMs: threads.time_ms as number,
    threads: list,
    memoryTotal: memoryTotal as number,
    memoryFree: memoryFree as number,
    uptime: uptime as number,
    counts,
    interfaces,
  };
}
