/**
 * memcached benchmark: memcaslap with 90% get / 10% set, 32-byte keys, 100-byte values, against our
 * memcached (1 and 2 shards) and Debian's memcached 1.6 (-t 1 and -t 2), all in one run on one machine.
 * Runs are interleaved (every server once per round) so background noise hits all of them alike, and
 * the figures are medians over the rounds.
 *
 *   node bench/memcached/run.ts [--seconds 4] [--repeats 3] [--connections 4,16,64] [--baseline DIR]
 *
 * --baseline DIR adds DIR's mpm (another checkout, e.g. a git worktree of an older commit) with one shard
 * to every round, for a before/after comparison measured in the same run; it is printed, not charted.
 *
 * Writes bench/results/memcached-benchmark.json, docs/memcached-benchmark.svg (throughput) and
 * docs/memcached-benchmark-cpu.svg (server CPU per request), and prints a Markdown table.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type RunningServer, startOurs, startReal } from "../../test/memcached/servers.ts";
import { median } from "../median.ts";
import { barChart } from "./chart.ts";
import { type LoadResult, loadServer } from "./memcaslap-run.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "4" },
    repeats: { type: "string", default: "3" },
    connections: { type: "string", default: "4,16,64" },
    baseline: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const repeats = Number(values.repeats);
const connectionCounts = values.connections.split(",").map(Number);

const SERVERS = ["ours 1 shard", "memcached -t 1", "ours 2 shards", "memcached -t 2"] as const;
type ServerName = (typeof SERVERS)[number];
const BASELINE = "baseline 1 shard";
const loaded: string[] = values.baseline === undefined ? [...SERVERS] : [...SERVERS, BASELINE];

const dir = mkdtempSync(join(tmpdir(), "mc-bench-"));
const config = join(dir, "memcaslap.cfg");
// memcaslap's distribution file: key 32 bytes, value 100 bytes, commands set:get = 0.1:0.9.
writeFileSync(config, "key\n32 32 1\nvalue\n100 100 1\ncmd\n0 0.1\n1 0.9\n");

const servers = new Map<string, RunningServer>();
try {
  servers.set("ours 1 shard", await startOurs(["-t", "1"]));
  servers.set("memcached -t 1", await startReal(["-t", "1"]));
  servers.set("ours 2 shards", await startOurs(["-t", "2"]));
  servers.set("memcached -t 2", await startReal(["-t", "2"]));
  if (values.baseline !== undefined) {
    servers.set(BASELINE, await startOurs(["-t", "1"], undefined, join(values.baseline, "bin", "mpm")));
  }
  const results = new Map<string, LoadResult[]>();
  for (let r = 0; r < repeats; r++) {
    for (const c of connectionCounts) {
      for (const name of loaded) {
        const s = servers.get(name)!;
        const result = await loadServer(s.port, s.child.pid!, c, seconds, config);
        const key = `${name}|${c}`;
        results.set(key, [...(results.get(key) ?? []), result]);
        process.stderr.write(
          `round ${r + 1} c=${c} ${name}: ${result.tps} ops/s, ${result.cpuUsPerOp.toFixed(1)} µs CPU/op\n`,
        );
      }
    }
  }
  const summary = connectionCounts.map((c) => {
    const row: Record<string, Record<string, number>> = {};
    for (const name of SERVERS) {
      const rs = results.get(`${name}|${c}`)!;
      row[name] = {
        tps: median(rs.map((x) => x.tps)),
        cpuUsPerOp: median(rs.map((x) => x.cpuUsPerOp)),
        avgUs: median(rs.map((x) => x.avgUs)),
        p50Us: median(rs.map((x) => x.p50Us)),
        p99Us: median(rs.map((x) => x.p99Us)),
      };
    }
    return { connections: c, servers: row };
  });
  const root = new URL("../../", import.meta.url);
  mkdirSync(new URL("bench/results/", root), { recursive: true });
  writeFileSync(
    new URL("bench/results/memcached-benchmark.json", root),
    `${JSON.stringify({ seconds, repeats, when: new Date().toISOString(), summary, raw: Object.fromEntries(results) }, null, 2)}\n`,
  );
  writeFileSync(
    new URL("docs/memcached-benchmark.svg", root),
    barChart(
      "memcaslap 90% get / 10% set: throughput (median)",
      "requests/s",
      SERVERS,
      summary.map((s) => ({
        label: `${s.connections} connections`,
        values: SERVERS.map((n) => s.servers[n]!.tps!),
      })),
    ),
  );
  writeFileSync(
    new URL("docs/memcached-benchmark-cpu.svg", root),
    barChart(
      "server CPU time per request (median, lower is better)",
      "µs CPU / request",
      SERVERS,
      summary.map((s) => ({
        label: `${s.connections} connections`,
        values: SERVERS.map((n) => s.servers[n]!.cpuUsPerOp!),
      })),
    ),
  );
  const f = (x: number, d = 0) => x.toFixed(d);
  const lines = [
    "| conns | server | req/s | avg µs | p50 µs ≤ | p99 µs ≤ | CPU µs/req |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const s of summary) {
    for (const n of SERVERS) {
      const v = s.servers[n]!;
      lines.push(
        `| ${s.connections} | ${n} | ${f(v.tps!)} | ${f(v.avgUs!)} | ${f(v.p50Us!)} | ${f(v.p99Us!)} | ${f(v.cpuUsPerOp!, 1)} |`,
      );
    }
  }
  lines.push(
    "",
    "| conns | throughput ours/memcached 1 vs -t 1 | 2 vs -t 2 | CPU/req ours/memcached 1 vs -t 1 | 2 vs -t 2 | our scaling 1→2 shards |",
  );
  lines.push("| --- | --- | --- | --- | --- | --- |");
  for (const s of summary) {
    const v = (n: ServerName) => s.servers[n]!;
    lines.push(
      `| ${s.connections} | ${f(v("ours 1 shard").tps! / v("memcached -t 1").tps!, 2)} | ${f(v("ours 2 shards").tps! / v("memcached -t 2").tps!, 2)} | ${f(v("ours 1 shard").cpuUsPerOp! / v("memcached -t 1").cpuUsPerOp!, 2)} | ${f(v("ours 2 shards").cpuUsPerOp! / v("memcached -t 2").cpuUsPerOp!, 2)} | ${f(v("ours 2 shards").tps! / v("ours 1 shard").tps!, 2)} |`,
    );
  }
  if (values.baseline !== undefined) {
    lines.push(
      "",
      "| conns | baseline req/s | ours req/s | baseline CPU µs/req | ours CPU µs/req | CPU/req ours/baseline | baseline/memcached -t 1 | ours/memcached -t 1 |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const c of connectionCounts) {
      const m = (name: string, k: keyof LoadResult) => median(results.get(`${name}|${c}`)!.map((x) => x[k]));
      const [base, ours, real] = [BASELINE, "ours 1 shard", "memcached -t 1"].map((n) => m(n, "cpuUsPerOp"));
      lines.push(
        `| ${c} | ${f(m(BASELINE, "tps"))} | ${f(m("ours 1 shard", "tps"))} | ${f(base!, 1)} | ${f(ours!, 1)} | ${f(ours! / base!, 2)} | ${f(base! / real!, 2)} | ${f(ours! / real!, 2)} |`,
      );
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await Promise.all([...servers.values()].map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
}
