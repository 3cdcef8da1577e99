import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ApiError } from "../http/api-error.ts";
import { OSV_TO_LINUX } from "./tracepoint-map.ts";

export interface TraceEventInfo {
  name: string;
  id: string;
  enabled: boolean;
  backtrace: boolean;
}

/** Where tracefs may be mounted, newest convention first. */
const TRACEFS_CANDIDATES = ["kernel/tracing", "kernel/debug/tracing"];

/**
 * Finds a mounted tracefs under sysRoot; with `mount`, mounts it at <sysRoot>/kernel/tracing when the kernel
 * has it but nobody mounted it (a guest's init does not). Returns the directory or why there is none.
 */
export function locateTracefs(
  sysRoot: string,
  options: { mount: boolean },
): { dir?: string; reason?: string } {
  for (const c of TRACEFS_CANDIDATES)
    if (existsSync(join(sysRoot, c, "events"))) return { dir: join(sysRoot, c) };
  if (!options.mount) return { reason: `tracefs is not mounted at ${join(sysRoot, TRACEFS_CANDIDATES[0]!)}` };
  const target = join(sysRoot, TRACEFS_CANDIDATES[0]!);
  try {
    execFileSync("mount", ["-t", "tracefs", "nodev", target], { stdio: "ignore", timeout: 5000 });
    return existsSync(join(target, "events"))
      ? { dir: target }
      : { reason: `mounting tracefs at ${target} gave no events` };
  } catch (error) {
    return {
      reason: `tracefs could not be mounted at ${target}: ${(error as Error).message.split("\n")[0]}`,
    };
  }
}

const subdirs = (dir: string): string[] => {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
};

/**
 * OSv's tracepoints on top of the kernel's. Tracing writes enabled events into a private tracefs instance
 * (so the system's own tracing is untouched). Counting gives each counted event its own small instance and
 * reads how many events its ring buffer took (entries + overrun per CPU): a disabled tracepoint is a
 * patched-out static branch and costs nothing, an enabled one costs one ring-buffer write per event.
 */
export class Tracer {
  readonly dir: string | undefined;
  readonly unavailableReason: string | undefined;
  private readonly prefix = `mpm-agent-${process.pid}`;
  private readonly events = new Map<string, string>();
  private readonly traced = new Map<string, { backtrace: boolean }>();
  private readonly counters = new Map<string, string>();
  private counterSeq = 0;
  private sampler: NodeJS.Timeout | undefined;
  private samples = 0;

  constructor(location: { dir?: string; reason?: string }) {
    this.dir = location.dir;
    this.unavailableReason = location.dir ? undefined : (location.reason ?? "tracefs not found");
    if (!this.dir) return;
    for (const [osv, linux] of Object.entries(OSV_TO_LINUX)) {
      if (existsSync(this.eventDir(this.dir, linux))) this.events.set(osv, linux);
    }
    for (const sys of subdirs(join(this.dir, "events"))) {
      for (const ev of subdirs(join(this.dir, "events", sys)))
        this.events.set(`${sys}:${ev}`, `${sys}:${ev}`);
    }
  }

  private eventDir(root: string, linux: string): string {
    const [sys, ev] = linux.split(":");
    return join(root, "events", sys ?? "", ev ?? "");
  }

  /** Throws the documented 503 when the kernel gives us no tracefs. */
  require(): string {
    if (!this.dir) throw new ApiError(503, `Tracepoints unavailable: ${this.unavailableReason}`);
    return this.dir;
  }

  private linuxName(name: string): string {
    const linux = this.events.get(name.replace("/", ":"));
    if (!linux) throw new ApiError(400, `Unknown tracepoint name ${name}`);
    return linux;
  }

  /** Every tracepoint name: OSv's mapped ones, then Linux's `subsystem:event` names. */
  names(): string[] {
    this.require();
    return [...this.events.keys()];
  }

  has(name: string): boolean {
    return this.events.has(name.replace("/", ":"));
  }

  info(name: string): TraceEventInfo {
    const key = name.replace("/", ":");
    if (!this.events.has(key)) throw new ApiError(404, `Unknown tracepoint ${name}`);
    const t = this.traced.get(key);
    return { name: key, id: key, enabled: t !== undefined, backtrace: t?.backtrace ?? false };
  }

  status(match: string | undefined): TraceEventInfo[] {
    let re: RegExp;
    try {
      re = new RegExp(match ?? "");
    } catch {
      throw new ApiError(400, `Bad match expression ${match}`);
    }
    return this.names()
      .filter((n) => re.test(n))
      .map((n) => this.info(n));
  }

  private traceInstance(): string {
    const inst = join(this.require(), "instances", `${this.prefix}-trace`);
    if (!existsSync(inst)) mkdirSync(inst);
    return inst;
  }

  /** Enables or disables tracing of one event into the agent's trace buffer; returns the previous state. */
  setTracing(name: string, options: { enabled: boolean; backtrace: boolean }): TraceEventInfo {
    const previous = this.info(name);
    const inst = this.traceInstance();
    writeFileSync(
      join(this.eventDir(inst, this.linuxName(previous.name)), "enable"),
      options.enabled ? "1" : "0",
    );
    if (options.enabled) this.traced.set(previous.name, { backtrace: options.backtrace });
    else this.traced.delete(previous.name);
    const anyBacktrace = [...this.traced.values()].some((t) => t.backtrace);
    writeFileSync(join(inst, "options/stacktrace"), anyBacktrace ? "1" : "0");
    return previous;
  }

  /** Starts (from zero, also when already counting) or stops counting one event. */
  setCounting(name: string, enabled: boolean): void {
    const dir = this.require();
    const linux = this.linuxName(name);
    const key = name.replace("/", ":");
    this.stopCounter(key);
    if (!enabled) return;
    const inst = join(dir, "instances", `${this.prefix}-c${this.counterSeq++}`);
    mkdirSync(inst);
    // The smallest buffer: only the per-CPU totals are read, never the events themselves.
    writeFileSync(join(inst, "buffer_size_kb"), "4");
    writeFileSync(join(this.eventDir(inst, linux), "enable"), "1");
    this.counters.set(key, inst);
  }

  private stopCounter(key: string): void {
    const inst = this.counters.get(key);
    if (!inst) return;
    this.counters.delete(key);
    try {
      writeFileSync(join(inst, "events/enable"), "0");
      rmdirSync(inst);
    } catch {
      // already gone (tracefs unmounted under us): nothing left to release
    }
  }

  counts(): { name: string; count: number }[] {
    const out: { name: string; count: number }[] = [];
    for (const [name, inst] of this.counters) {
      let count = 0;
      for (const cpu of subdirs(join(inst, "per_cpu"))) {
        const stats = readFileSync(join(inst, "per_cpu", cpu, "stats"), "utf8");
        for (const key of ["entries", "overrun"]) {
          const m = new RegExp(`^${key}:\\s*(\\d+)`, "m").exec(stats);
          count += m ? Number(m[1]) : 0;
        }
      }
      out.push({ name, count });
    }
    return out;
  }

  clearCounts(): void {
    for (const key of [...this.counters.keys()]) this.stopCounter(key);
  }

  /**
   * OSv's sampling profiler. Linux's equivalent (perf) is not reachable from tracefs, so samples are taken
   * by a timer in the agent (at most 1000 Hz) and only counted; the count appears in /trace/buffers.
   */
  setSampler(freq: number): string {
    if (freq > 100_000) throw new ApiError(400, "Frequency too large. Maximum is 100000");
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = undefined;
    if (freq <= 0) return "Sampler stopped successfully";
    this.sampler = setInterval(() => this.samples++, Math.max(1, 1000 / freq));
    this.sampler.unref();
    return "Sampler started successfully";
  }

  /** The text of the agent's trace instance (events of enabled tracepoints), plus sampler totals. */
  buffers(): Buffer {
    const inst = this.traceInstance();
    const text = readFileSync(join(inst, "trace"), "utf8");
    return Buffer.from(`${text}# sampler: ${this.samples} samples\n`);
  }

  /** Removes every instance the agent created. */
  close(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.clearCounts();
    if (!this.dir) return;
    const inst = join(this.dir, "instances", `${this.prefix}-trace`);
    if (!existsSync(inst)) return;
    try {
      writeFileSync(join(inst, "events/enable"), "0");
      rmdirSync(inst);
    } catch {
      // tracefs went away first
    }
  }
}
