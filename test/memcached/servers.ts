import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, Socket } from "node:net";
import { fileURLToPath } from "node:url";

/** Test helpers: start our memcached (through the CLI) and Debian's memcached on free loopback ports. */
export const MPM = fileURLToPath(new URL("../../bin/mpm", import.meta.url));

export interface RunningServer {
  readonly port: number;
  readonly udpPort: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
}

/** `mpm memcached -p 0 ...`, waiting for its "listening" line (bounded); `mpm` may be another checkout's. */
export async function startOurs(args: string[] = [], wrapper?: string, mpm = MPM): Promise<RunningServer> {
  const argv = ["memcached", "-p", "0", "-l", "127.0.0.1", ...args];
  const child = wrapper
    ? spawn("sh", ["-c", `${wrapper} && exec "$0" "$@"`, mpm, ...argv], { stdio: ["ignore", "pipe", "pipe"] })
    : spawn(mpm, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => {
    err += d;
  });
  const ports = await new Promise<[number, number]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mpm memcached did not start: ${err}`)), 30_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /tcp (\d+), udp (\d+|off)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve([Number(m[1]), m[2] === "off" ? 0 : Number(m[2])]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`mpm memcached exited with ${code}: ${err}`));
    });
  });
  return { port: ports[0], udpPort: ports[1], child, stop: stopper(child) };
}

/** Debian's memcached 1.6 with `args`, on a free port. */
export async function startReal(args: string[] = []): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(
    "memcached",
    ["-p", String(port), "-U", "0", "-l", "127.0.0.1", "-u", "root", ...args],
    {
      stdio: "ignore",
    },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const s = new Socket();
      s.connect(port, "127.0.0.1");
      await once(s, "connect");
      s.destroy();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { port, udpPort: 0, child, stop: stopper(child) };
}

/**
 * Sends `data` on a new connection and collects the reply until `until` matches its end, the server closes,
 * or `timeoutMs` passes. Returns the bytes and whether the server closed.
 */
export async function exchange(
  port: number,
  data: Buffer,
  until: (reply: Buffer) => boolean,
  timeoutMs = 3000,
): Promise<{ reply: Buffer; closed: boolean }> {
  const s = new Socket();
  s.connect(port, "127.0.0.1");
  await once(s, "connect");
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ reply: Buffer.concat(chunks), closed });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    s.on("data", (d) => {
      chunks.push(d);
      if (until(Buffer.concat(chunks))) finish(false);
    });
    s.on("close", () => finish(true));
    s.on("error", () => finish(true));
    s.write(data);
  });
}
