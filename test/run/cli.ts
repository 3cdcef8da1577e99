import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPO = new URL("../../", import.meta.url).pathname;
const MPM = join(REPO, "bin", "mpm");

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs bin/mpm with a bounded wait; the process is killed when time is up. */
export function mpm(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; withoutWrapper?: boolean } = {},
): Promise<CliResult> {
  // withoutWrapper runs the CLI on this Node directly, for tests that empty PATH (bin/mpm needs sh tools).
  const [program, argv] = options.withoutWrapper
    ? [
        process.execPath,
        ["--disable-warning=ExperimentalWarning", join(REPO, "src", "cli", "main.ts"), ...args],
      ]
    : [MPM, [...args]];
  return new Promise((resolve) => {
    const child = spawn(program, argv, {
      env: { ...process.env, ...options.env },
      cwd: options.cwd ?? REPO,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGTERM"), options.timeoutMs ?? 60_000);
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A fresh mpm root for one test, removed afterwards. */
export function tempDir(t: { after: (fn: () => void) => void }, prefix = "mpm-run-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
