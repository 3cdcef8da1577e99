import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { MpmError } from "../../errors/mpm-error.ts";
import { composeForRun } from "../compose-for-run.ts";
import { stopGuestProcess, waitForAppStart } from "../guests/detached.ts";
import { guestFiles } from "../guests/guest-store.ts";
import { hookPorts } from "../hook-ports.ts";
import { mpmRoot } from "../mpm-root.ts";
import type { AccelChoice } from "../qemu/accel.ts";
import type { Composer } from "../run-target.ts";
import { run } from "./run.ts";

export interface TestOptions {
  /** A package directory (its meta/hooks/test is run on the host). */
  readonly target: string;
  readonly boot?: string;
  readonly accel?: AccelChoice;
  readonly memoryMiB?: number;
  /** How long the guest may take to print `mpm-guest: app-start`. */
  readonly bootTimeoutSeconds?: number;
  /** How long the hook may run before it counts as failed. */
  readonly hookTimeoutSeconds?: number;
  readonly root?: string;
  /** Receives the hook's output (and the console's tail when it fails). */
  readonly output?: NodeJS.WritableStream;
  readonly notice?: (line: string) => void;
  /** Progress of composing the package. */
  readonly onProgress?: (message: string) => void;
  readonly composer?: Composer;
}

export interface TestResult {
  readonly package: string;
  readonly seconds: number;
}

/** `mpm test <package>`: compose, boot detached, wait for the app, run meta/hooks/test, stop the guest. */
export async function testPackage(options: TestOptions): Promise<TestResult> {
  const started = Date.now();
  const root = options.root ?? mpmRoot();
  const output = options.output ?? process.stdout;
  const packageDir = resolve(options.target);
  const hook = findTestHook(packageDir);
  const composer = options.composer ?? composeForRun;
  const image = await composer(packageDir, { boot: options.boot, onProgress: options.onProgress });
  const name = `test-${image.package.name.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-")}-${process.pid}`.slice(
    0,
    63,
  );
  const launched = await run({
    target: packageDir,
    composer: async () => image,
    detach: true,
    name,
    root,
    ports: [...new Set([...image.ports, ...hookPorts(packageDir)])].map((guest) => ({ host: 0, guest })),
    ...(options.accel !== undefined ? { accel: options.accel } : {}),
    ...(options.memoryMiB !== undefined ? { memoryMiB: options.memoryMiB } : {}),
    ...(options.notice !== undefined ? { notice: options.notice } : {}),
  });
  const guest = launched.guest!;
  const files = guestFiles(root, guest.name);
  try {
    await waitForAppStart(root, guest, files, options.bootTimeoutSeconds ?? 180);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MPM_GUEST_NAME: guest.name,
      MPM_GUEST_HOST: "127.0.0.1",
      MPM_GUEST_CONSOLE: files.console,
      MPM_PACKAGE_DIR: packageDir,
    };
    for (const p of guest.ports) env[`MPM_GUEST_PORT_${p.guest}`] = String(p.host);
    const status = await runHook(hook, packageDir, env, output, options.hookTimeoutSeconds ?? 120);
    if (status !== 0) {
      throw new MpmError("MPM_E_TEST_FAILED", `${hook} failed (${status}) against guest ${guest.name}`, {
        hint: "the hook's output and the guest console's last lines are above",
        details: { package: image.package.name, status },
      });
    }
  } catch (error) {
    // The console goes with the guest; show its end while it still exists.
    output.write(consoleTail(files.console));
    throw error;
  } finally {
    await stopGuestProcess(root, guest);
  }
  return { package: image.package.name, seconds: (Date.now() - started) / 1000 };
}

function findTestHook(packageDir: string): string {
  const hook = join(packageDir, "meta", "hooks", "test");
  const missing = (why: string) =>
    new MpmError("MPM_E_TEST_HOOK_MISSING", `${hook} ${why}`, {
      hint: "write an executable meta/hooks/test that checks the guest (see docs/run.md), then chmod +x it",
    });
  if (!existsSync(packageDir) || !statSync(packageDir).isDirectory()) {
    throw new MpmError("MPM_E_TEST_HOOK_MISSING", `${packageDir} is not a package directory`, {
      hint: "mpm test takes the package's directory (the one holding meta/)",
    });
  }
  if (!existsSync(hook)) throw missing("does not exist");
  try {
    accessSync(hook, constants.X_OK);
  } catch {
    throw missing("is not executable");
  }
  return hook;
}

/** Runs the hook; resolves with its exit status, or "timeout"/signal name when it did not exit by itself. */
function runHook(
  hook: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  output: NodeJS.WritableStream,
  timeoutSeconds: number,
): Promise<number | string> {
  return new Promise((resolveStatus) => {
    const child = spawn(hook, [], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    child.stdout.on("data", (chunk: Buffer) => output.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.write(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The hook may have started children (a client); end its whole process group.
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, timeoutSeconds * 1000);
    child.once("error", (error) => {
      clearTimeout(timer);
      resolveStatus(error.message);
    });
    child.once("close", (status, signal) => {
      clearTimeout(timer);
      resolveStatus(timedOut ? `timed out after ${timeoutSeconds} s` : (status ?? signal ?? "unknown"));
    });
  });
}

function consoleTail(path: string): string {
  try {
    const lines = readFileSync(path, "utf8").trimEnd().split("\n").slice(-20);
    return `--- guest console (last ${lines.length} lines) ---\n${lines.join("\n")}\n`;
  } catch {
    return "";
  }
}
