import { spawn } from "node:child_process";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface BootSample {
  /** Seconds from QEMU's start to the first console byte. */
  readonly firstConsole: number | undefined;
  /** Seconds to the guest's app-start marker (ours) or systemd's "Started memcached" (the baseline). */
  readonly appStarted: number | undefined;
  /** Seconds to the first `VERSION` answer from memcached through the forwarded port. */
  readonly ready: number;
}

/** One memcached `version` exchange with a short timeout; slirp accepts before the guest listens. */
function askVersion(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(400, () => done(false));
    socket.on("connect", () => socket.write("version\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) done(reply.startsWith("VERSION "));
    });
    socket.on("error", () => done(false));
    socket.on("close", () => done(false));
  });
}

/**
 * Boots QEMU with `args` (console on stdio, memcached forwarded to `port`), polls memcached every 100 ms,
 * and stops QEMU once it answers. Fails after `timeoutSeconds`.
 */
export async function measureBoot(
  qemu: string,
  args: readonly string[],
  port: number,
  startedPattern: RegExp,
  timeoutSeconds: number,
): Promise<BootSample> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const child = spawn(qemu, args, { stdio: ["ignore", "pipe", "pipe"] });
  let console = "";
  let firstConsole: number | undefined;
  let appStarted: number | undefined;
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  child.stdout.on("data", (chunk: Buffer) => {
    firstConsole ??= seconds();
    console += chunk.toString("latin1");
    if (appStarted === undefined && startedPattern.test(console)) appStarted = seconds();
  });
  child.stderr.resume();
  try {
    while (!exited && seconds() < timeoutSeconds) {
      if (await askVersion(port)) return { firstConsole, appStarted, ready: seconds() };
      await sleep(100);
    }
    throw new Error(`no VERSION answer within ${timeoutSeconds} s; console tail:\n${console.slice(-2000)}`);
  } finally {
    child.kill("SIGTERM");
    const stopDeadline = Date.now() + 10_000;
    while (!exited && Date.now() < stopDeadline) await sleep(50);
    if (!exited) child.kill("SIGKILL");
  }
}
