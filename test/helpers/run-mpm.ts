import { execFile } from "node:child_process";
import path from "node:path";

export const MPM_BIN = path.resolve(import.meta.dirname, "../../bin/mpm");

export interface MpmRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI in `cwd` with its own repository root (MPM_ROOT), bounded by a timeout. */
export function runMpm(
  args: readonly string[],
  options: { cwd: string; root: string; env?: Record<string, string> },
): Promise<MpmRun> {
  return new Promise((resolve) => {
    execFile(
      MPM_BIN,
      [...args],
      {
        cwd: options.cwd,
        env: { ...process.env, MPM_ROOT: options.root, ...options.env },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
