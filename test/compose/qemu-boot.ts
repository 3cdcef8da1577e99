import { spawn } from "node:child_process";

export interface BootResult {
  readonly console: string;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
}

/**
 * Boots QEMU under TCG (KVM is unusable on the test machines) with the console on stdout, and kills it
 * after `timeoutMs` so a guest that never powers off cannot hang the suite.
 */
export function bootQemu(args: readonly string[], timeoutMs = 120_000): Promise<BootResult> {
  const base = [
    "-accel",
    "tcg",
    "-no-reboot",
    "-nodefaults",
    "-no-user-config",
    "-display",
    "none",
    "-serial",
    "stdio",
  ];
  const child = spawn("qemu-system-x86_64", [...base, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let console = "";
  child.stdout.on("data", (chunk: Buffer) => {
    console += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    console += chunk.toString("utf8");
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ console, exitCode, timedOut });
    });
  });
}

/** The application's exit status as the guest reported it, or undefined when it never ended. */
export function appExitStatus(console: string): number | undefined {
  const match = /^mpm-guest: app-exit (\d+)\r?$/m.exec(console);
  return match ? Number(match[1]) : undefined;
}
