import { setTimeout as sleep } from "node:timers/promises";
import { MpmError } from "../../errors/mpm-error.ts";
import { AgentClient, type ClientTlsOptions } from "../client/agent-client.ts";
import { type ThreadsSample, type TopOptions, topFrame } from "../client/top-frame.ts";

export interface TopCommandOptions extends TopOptions {
  target: string;
  /** Seconds between refreshes (top.py -p, default 2). */
  period: number;
  /** Stop after this many refreshes (default: until interrupted). */
  iterations: number | undefined;
  tls: ClientTlsOptions | undefined;
}

export interface TerminalIo {
  readonly out: NodeJS.WritableStream;
  /** Clear the screen before each refresh (only on a terminal). */
  readonly clearScreen: boolean;
  readonly signal: AbortSignal | undefined;
}

function asThreads(value: unknown, origin: string): ThreadsSample {
  const v = value as Partial<ThreadsSample> | null;
  if (!v || !Array.isArray(v.list) || typeof v.time_ms !== "number") {
    throw new MpmError("MPM_E_AGENT_BAD_REPLY", `/os/threads on ${origin} is not a Threads object`, {
      hint: "Is this port an mpm or OSv agent?",
    });
  }
  return v as ThreadsSample;
}

/** `mpm top`: one GET /os/threads per period, printed like OSv's top.py. */
export async function runTop(options: TopCommandOptions, io: TerminalIo): Promise<void> {
  const client = new AgentClient(options.target, { tls: options.tls });
  let prev: ThreadsSample | undefined;
  for (let i = 0; options.iterations === undefined || i < options.iterations; i++) {
    if (io.signal?.aborted) return;
    const started = Date.now();
    const cur = asThreads(await client.get("/os/threads"), client.base.origin);
    if (io.clearScreen) io.out.write("\x1b[H\x1b[2J");
    io.out.write(`${topFrame(cur, prev, options).join("\n")}\n`);
    prev = cur;
    if (options.iterations !== undefined && i + 1 >= options.iterations) return;
    const wait = Math.max(0, options.period * 1000 - (Date.now() - started));
    try {
      await sleep(wait, undefined, { signal: io.signal });
    } catch {
      return;
    }
  }
}
