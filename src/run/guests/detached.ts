import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { MpmError } from "../../errors/mpm-error.ts";
import { ConsoleScanner } from "./console-scanner.ts";
import { guestDiedError, qemuFailedError } from "./guest-errors.ts";
import {
  type GuestFiles,
  type GuestState,
  isGuestAlive,
  removeGuest,
  writeGuestState,
} from "./guest-store.ts";

export interface DetachedLaunch {
  readonly root: string;
  readonly files: GuestFiles;
  readonly qemu: string;
  /** QEMU arguments; the serial console must go to files.console. */
  readonly args: readonly string[];
  readonly state: Omit<GuestState, "pid" | "startedAt">;
}

/** QEMU reports refused options within well under a second; wait this long before calling it started. */
const STARTUP_GRACE_MS = 1500;

/** Starts QEMU in its own session so it outlives mpm, and records it in the guest's state.json. */
export async function launchDetached(launch: DetachedLaunch): Promise<GuestState> {
  const log = openSync(launch.files.qemuLog, "w");
  const child = spawn(launch.qemu, launch.args, { detached: true, stdio: ["ignore", log, log] });
  closeSync(log);
  let exit: { status: number | null } | undefined;
  child.once("exit", (status) => {
    exit = { status };
  });
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once("error", resolve);
    child.once("spawn", () => resolve(undefined));
  });
  if (spawnError !== undefined || child.pid === undefined) {
    removeGuest(launch.root, launch.state.name);
    throw new MpmError("MPM_E_QEMU_FAILED", `cannot start ${launch.qemu}: ${spawnError?.message}`);
  }
  const deadline = Date.now() + STARTUP_GRACE_MS;
  while (exit === undefined && Date.now() < deadline && fileSize(launch.files.console) === 0) await sleep(50);
  if (exit !== undefined) {
    const stderr = readFileSync(launch.files.qemuLog, "utf8");
    removeGuest(launch.root, launch.state.name);
    throw qemuFailedError(launch.state.name, exit.status, stderr);
  }
  child.unref();
  const state: GuestState = { ...launch.state, pid: child.pid, startedAt: new Date().toISOString() };
  writeGuestState(launch.root, state);
  return state;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Reads a detached guest's console so far. */
export function scanConsole(files: GuestFiles): ConsoleScanner {
  const scanner = new ConsoleScanner();
  try {
    scanner.feed(readFileSync(files.console, "utf8"));
  } catch {}
  return scanner;
}

/**
 * Waits for the guest's `mpm-guest: app-start` line. Fails when the guest dies first (with the console's
 * last words) or when the time is up.
 */
export async function waitForAppStart(
  root: string,
  state: GuestState,
  files: GuestFiles,
  timeoutSeconds: number,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const scanner = scanConsole(files);
    if (scanner.appStarted) return;
    if (!isGuestAlive(root, state)) {
      scanner.end();
      throw guestDiedError(state.name, scanner);
    }
    if (Date.now() > deadline) {
      throw new MpmError(
        "MPM_E_GUEST_TIMEOUT",
        `guest ${state.name} did not start its application in ${timeoutSeconds} s`,
        {
          hint: `read its console with mpm logs ${state.name}; under TCG a large initramfs takes longer`,
        },
      );
    }
    await sleep(100);
  }
}

/** Stops a guest's QEMU (SIGTERM, then SIGKILL after 10 s) and removes its entry. */
export async function stopGuestProcess(root: string, state: GuestState): Promise<void> {
  signal(state.pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (isGuestAlive(root, state) && Date.now() < deadline) await sleep(50);
  if (isGuestAlive(root, state)) signal(state.pid, "SIGKILL");
  while (isGuestAlive(root, state) && Date.now() < deadline + 5000) await sleep(50);
  removeGuest(root, state.name);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {}
}
