import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One entry of /os/threads, fields in the listing's order. */
export interface ThreadInfo {
  id: number;
  cpu: number;
  cpu_ms: number;
  switches: number;
  migrations: number;
  preemptions: number;
  priority: number;
  stack_size: number;
  status: string;
  name: string;
}

/**
 * Synthetic per-CPU idle threads get ids above Linux's pid limit (2^22) so they never clash with a real
 * task; top relies on their `idle` name prefix to show idle per CPU.
 */
export const IDLE_THREAD_ID_BASE = 1 << 30;

const FLT_MAX = 3.4028234663852886e38;

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

const listNumeric = (dir: string): number[] => {
  try {
    return readdirSync(dir)
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
};

/** Linux task states mapped to OSv's thread status enum. */
function statusOf(state: string): string {
  if (state === "R") return "running";
  if (state === "Z") return "terminating";
  if (state === "X" || state === "x") return "terminated";
  return "waiting";
}

/** CFS weight ratio: nice 0 is OSv's default priority 1.0; each nice step is about 1.25x. */
const priorityOf = (nice: number): number => 1.25 ** nice;

/** Parses /proc/<pid>/task/<tid>/stat; the comm field may itself contain spaces and parentheses. */
export function parseStat(text: string): { name: string; fields: string[] } | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  return {
    name: text.slice(open + 1, close),
    fields: text
      .slice(close + 2)
      .trim()
      .split(/\s+/),
  };
}

const statusField = (status: string, key: string): number => {
  const m = new RegExp(`^${key}:\\s*(\\d+)`, "m").exec(status);
  return m ? Number(m[1]) : 0;
};

function readThread(taskDir: string, tid: number, stackSize: number): ThreadInfo | undefined {
  const stat = parseStat(readText(join(taskDir, "stat")) ?? "");
  if (!stat) return undefined;
  const f = stat.fields; // f[0] is field 3 (state) of proc(5)
  const status = readText(join(taskDir, "status")) ?? "";
  const voluntary = statusField(status, "voluntary_ctxt_switches");
  const involuntary = statusField(status, "nonvoluntary_ctxt_switches");
  const schedstat = (readText(join(taskDir, "schedstat")) ?? "").trim().split(/\s+/);
  const runtimeNs = Number(schedstat[0]);
  // schedstat has ns precision; utime+stime (fields 14, 15) only count 10 ms ticks.
  const cpuMs = Number.isFinite(runtimeNs)
    ? Math.floor(runtimeNs / 1e6)
    : (Number(f[11] ?? 0) + Number(f[12] ?? 0)) * 10;
  const migrations = /^se\.nr_migrations\s*:\s*(\d+)/m.exec(readText(join(taskDir, "sched")) ?? "");
  return {
    id: tid,
    cpu: Number(f[36] ?? -1),
    cpu_ms: cpuMs,
    switches: voluntary + involuntary,
    migrations: migrations ? Number(migrations[1]) : 0,
    preemptions: involuntary,
    priority: priorityOf(Number(f[16] ?? 0)),
    stack_size: stackSize,
    status: statusOf(f[0] ?? "S"),
    name: stat.name,
  };
}

/** Stack size: the main thread's mapped stack (VmStk), else the soft RLIMIT_STACK glibc gives new threads. */
function stackSizes(procDir: string): { main: number; other: number } {
  const status = readText(join(procDir, "status")) ?? "";
  const main = statusField(status, "VmStk") * 1024;
  const limit = /^Max stack size\s+(\d+)/m.exec(readText(join(procDir, "limits")) ?? "");
  return { main, other: limit ? Number(limit[1]) : main };
}

/** Threads of the given processes (pids), reading each task's stat, status, schedstat and sched. */
export function readThreads(procRoot: string, pids: readonly number[]): ThreadInfo[] {
  const out: ThreadInfo[] = [];
  for (const pid of pids) {
    const procDir = join(procRoot, String(pid));
    const stacks = stackSizes(procDir);
    for (const tid of listNumeric(join(procDir, "task"))) {
      const t = readThread(join(procDir, "task", String(tid)), tid, tid === pid ? stacks.main : stacks.other);
      if (t) out.push(t);
    }
  }
  return out;
}

/** Every process of the system. */
export const allPids = (procRoot: string): number[] => listNumeric(procRoot);

/** The process and all its descendants, following /proc/<pid>/task/<tid>/children. */
export function processTree(procRoot: string, rootPid: number): number[] {
  const seen = new Set<number>();
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    for (const tid of listNumeric(join(procRoot, String(pid), "task"))) {
      const children = readText(join(procRoot, String(pid), "task", String(tid), "children")) ?? "";
      for (const c of children.trim().split(/\s+/)) if (/^\d+$/.test(c)) queue.push(Number(c));
    }
  }
  return [...seen];
}

/** One `idle<N>` thread per CPU whose cpu_ms is that CPU's idle time from /proc/stat (USER_HZ = 100). */
export function idleThreads(procRoot: string): ThreadInfo[] {
  const stat = readText(join(procRoot, "stat")) ?? "";
  const out: ThreadInfo[] = [];
  for (const m of stat.matchAll(/^cpu(\d+)\s+(.*)$/gm)) {
    const cpu = Number(m[1]);
    const cols = (m[2] ?? "").split(/\s+/).map(Number);
    out.push({
      id: IDLE_THREAD_ID_BASE + cpu,
      cpu,
      cpu_ms: ((cols[3] ?? 0) + (cols[4] ?? 0)) * 10,
      switches: 0,
      migrations: 0,
      preemptions: 0,
      priority: FLT_MAX, // OSv idle threads have infinite priority, which its formatter clamps to FLT_MAX
      stack_size: 0,
      status: "running",
      name: `idle${cpu}`,
    });
  }
  return out;
}
