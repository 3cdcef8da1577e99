import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const MPM = fileURLToPath(new URL("../../bin/mpm", import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI (bin/mpm) with extra environment, bounded by a timeout. */
export function mpm(args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliResult> {
  const child = spawn(MPM, args, { env: { ...process.env, ...env }, cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Paths and contents of every record of a (multi-layer, gzip'd) initramfs; later layers win. */
export function initramfsFiles(image: Buffer): Map<string, Buffer> {
  const raw = gunzipSync(image);
  const files = new Map<string, Buffer>();
  const align = (n: number) => (n + 3) & ~3;
  let pos = 0;
  while (pos + 110 <= raw.length) {
    const field = (i: number) =>
      Number.parseInt(raw.toString("ascii", pos + 6 + i * 8, pos + 14 + i * 8), 16);
    const size = field(6);
    const nameSize = field(11);
    const name = raw.toString("utf8", pos + 110, pos + 110 + nameSize - 1);
    const data = align(pos + 110 + nameSize);
    if (name !== "TRAILER!!!") files.set(`/${name}`, raw.subarray(data, data + size));
    pos = align(data + size);
  }
  return files;
}
