import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

export const MPM = fileURLToPath(new URL("../../bin/mpm", import.meta.url));

export interface StartedAgent {
  readonly url: string;
  readonly port: number;
  readonly proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Runs `mpm agent --port 0 ...` and waits (bounded) for its "listening on" line. */
export async function startCliAgent(
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<StartedAgent> {
  const proc = spawn(MPM, ["agent", "--port", "0", ...args], {
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start within 20 s:\n${out}`)), 20_000);
    const check = () => {
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout.on("data", check);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited (${code}) before listening:\n${out}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await once(proc, "exit");
      clearTimeout(timer);
    },
  };
}
