import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { removeRegion } from "../../src/transport/shm-region.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

export interface Peer {
  readonly child: ChildProcess;
  /** Resolves with the next stdout line (parsed JSON), failing after timeoutMs. */
  next(timeoutMs?: number): Promise<unknown>;
  stop(): Promise<void>;
}

/** Starts a peer fixture (peer.ts by default) in its own Node process. */
export function startPeer(args: string[], env: NodeJS.ProcessEnv = {}, fixture = "peer.ts"): Peer {
  const child = spawn(process.execPath, [FIXTURES + fixture, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  return {
    child,
    next(timeoutMs = 15000) {
      const queued = lines.shift();
      if (queued !== undefined) return Promise.resolve(JSON.parse(queued));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`peer ${args[0]} said nothing in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push((line) => {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        });
      });
    },
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      });
    },
  };
}

/** A unique region path under /dev/shm and a temp dir, both removed by cleanup(). */
export function scratch(): { shm: string; dir: string; routesFile(routes: object): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "vrdma-test-"));
  const shm = `/dev/shm/vrdma-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
  return {
    shm,
    dir,
    routesFile(routes) {
      const file = join(dir, "routes.json");
      writeFileSync(file, JSON.stringify(routes));
      return file;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
      // The region and the tests' variants of it (<shm>-ticker...), with the doorbells killed peers left.
      for (const name of readdirSync(dirname(shm))) {
        if (name.startsWith(basename(shm))) removeRegion(join(dirname(shm), name));
      }
    },
  };
}

/** Collects everything a stream yields until it ends. */
export function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on("data", (d: Buffer) => parts.push(d));
    stream.on("end", () => resolve(Buffer.concat(parts)));
    stream.on("error", reject);
  });
}

/** Rejects when the promise does not settle in time, so no test can hang. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Bytes 0..n-1 of a pattern that catches reordering, loss and duplication (a 32-bit counter per word). */
export function pattern(n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i + 4 <= n; i += 4) out.writeUInt32LE(i / 4, i);
  return out;
}
