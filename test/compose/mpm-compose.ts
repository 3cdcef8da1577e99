import { gunzipSync } from "node:zlib";
import { type CliResult, mpm as runMpm } from "../run/cli.ts";

/** Runs the real CLI with extra environment; composing under TCG load may take minutes. */
export function mpm(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return runMpm(args, { env, timeoutMs: 180_000 });
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
