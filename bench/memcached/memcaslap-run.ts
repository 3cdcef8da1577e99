import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One memcaslap run's figures. */
export interface LoadResult {
  readonly ops: number;
  readonly tps: number;
  /** Mean latency over all requests, µs. */
  readonly avgUs: number;
  /** Upper bounds of the log2 latency buckets holding the 50th and 99th percentile, µs. */
  readonly p50Us: number;
  readonly p99Us: number;
  /** Server CPU time (user + system, all threads) per request, µs. */
  readonly cpuUsPerOp: number;
}

/** utime + stime of a process (all its threads), in µs, from /proc (clock ticks of 10 ms). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Parses memcaslap's "Total Statistics (N events)" block: mean and log2 histogram. */
export function parseLatency(out: string): { avgUs: number; p50Us: number; p99Us: number } {
  const block = out.slice(out.indexOf("Total Statistics ("));
  const avgUs = Number(/Avg:\s+(\d+)/.exec(block)?.[1]);
  const counts: number[] = [];
  for (const m of block.matchAll(/^\s+(\d+):\s+([\d\s]+)$/gm)) {
    const base = Number(m[1]);
    m[2]!
      .trim()
      .split(/\s+/)
      .forEach((n, i) => {
        counts[base + i] = Number(n);
      });
  }
  const total = counts.reduce((a, b) => a + (b ?? 0), 0);
  const percentile = (p: number) => {
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] ?? 0;
      if (seen >= total * p) return 2 ** (i + 1);
    }
    return Number.NaN;
  };
  return { avgUs, p50Us: percentile(0.5), p99Us: percentile(0.99) };
}

/** Runs memcaslap for `seconds` against the server and measures the server's CPU meanwhile. */
export async function loadServer(
  port: number,
  serverPid: number,
  connections: number,
  seconds: number,
  configFile: string,
): Promise<LoadResult> {
  const cpuBefore = cpuMicros(serverPid);
  const { stdout } = await run(
    "memcaslap",
    [
      "-s",
      `127.0.0.1:${port}`,
      "-T",
      "2",
      "-c",
      String(connections),
      "-t",
      `${seconds}s`,
      "-F",
      configFile,
      "-S",
      `${seconds}s`,
    ],
    { timeout: (seconds + 60) * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  const cpu = cpuMicros(serverPid) - cpuBefore;
  const summary = /Ops: (\d+) TPS: (\d+)/.exec(stdout);
  if (!summary) throw new Error(`memcaslap printed no summary:\n${stdout.slice(-2000)}`);
  const ops = Number(summary[1]);
  return { ops, tps: Number(summary[2]), ...parseLatency(stdout), cpuUsPerOp: cpu / ops };
}
