import { setTimeout as sleep } from "node:timers/promises";
import { MpmError } from "../../errors/mpm-error.ts";
import { AgentClient, type ClientTlsOptions } from "../client/agent-client.ts";
import { type CountsSample, freqHeader, freqRates, freqRow } from "../client/freq-table.ts";
import type { TerminalIo } from "./top.ts";

export interface FreqCommandOptions {
  target: string;
  tracepoints: string[];
  /** Seconds between samples (freq.py has a fixed 2). */
  period: number;
  iterations: number | undefined;
  tls: ClientTlsOptions | undefined;
}

const HEADER_EVERY = 20;

function asCounts(value: unknown, origin: string): CountsSample {
  const v = value as Partial<CountsSample> | null;
  if (!v || !Array.isArray(v.list) || typeof v.time_ms !== "number") {
    throw new MpmError("MPM_E_AGENT_BAD_REPLY", `/trace/count on ${origin} is not a TraceCounts object`);
  }
  return v as CountsSample;
}

/** Without tracepoints: the usage and every tracepoint name the agent knows, sorted. */
async function listTracepoints(client: AgentClient, io: TerminalIo): Promise<void> {
  const status = (await client.get("/trace/status")) as { name: string }[];
  const names = [...new Set(status.map((s) => s.name))].sort();
  io.out.write(
    `Usage: mpm freq host[:port] [tracepoint] ...\n\nValid values for <tracepoint>:\n\n${names.join("\n")}\n`,
  );
}

/**
 * `mpm freq`: clears and enables counting of the tracepoints, prints events per second each period with
 * the header every 20 lines, and clears the counters when it stops (interrupt, iterations done, failure).
 */
export async function runFreq(options: FreqCommandOptions, io: TerminalIo): Promise<void> {
  const client = new AgentClient(options.target, { tls: options.tls });
  if (options.tracepoints.length === 0) {
    await listTracepoints(client, io);
    return;
  }
  io.out.write(`Showing number of events per second. Refreshing every ${options.period} seconds\n`);
  await client.json("DELETE", "/trace/count");
  try {
    for (const name of options.tracepoints) {
      try {
        await client.json("POST", `/trace/count/${encodeURIComponent(name)}`, { form: { enabled: "true" } });
      } catch (cause) {
        throw new MpmError("MPM_E_AGENT_REQUEST", `Unrecognized tracepoint ${name}`, {
          hint: "Run mpm freq <host> without tracepoints to list them",
          cause,
        });
      }
    }
    let prev: CountsSample | undefined;
    let line = 0;
    for (let i = 0; options.iterations === undefined || i <= options.iterations; i++) {
      if (io.signal?.aborted) return;
      const started = Date.now();
      if (line++ % HEADER_EVERY === 0) io.out.write(`${freqHeader(options.tracepoints)}\n`);
      const cur = asCounts(await client.get("/trace/count"), client.base.origin);
      if (prev) io.out.write(`${freqRow(options.tracepoints, freqRates(cur, prev, options.tracepoints))}\n`);
      prev = cur;
      if (options.iterations !== undefined && i >= options.iterations) return;
      try {
        await sleep(Math.max(0, options.period * 1000 - (Date.now() - started)), undefined, {
          signal: io.signal,
        });
      } catch {
        return;
      }
    }
  } finally {
    await client.json("DELETE", "/trace/count").catch(() => undefined);
  }
}
