import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { MpmError } from "../errors/mpm-error.ts";
import type { Remote } from "./remote-config.ts";
import { INDEX_FILE, parseIndex, type RemoteEntry } from "./remote-index.ts";

/** A package version offered by a remote, with the URL to fetch it from. */
export interface RemotePackage extends RemoteEntry {
  readonly remote: string;
  readonly url: string;
}

/** How long one index request may take before the remote counts as unreachable. */
export const INDEX_TIMEOUT_MS = 10_000;
/** A download that receives nothing for this long is abandoned. */
export const STALL_TIMEOUT_MS = 30_000;

export async function fetchRemoteIndex(
  remote: Remote,
  timeoutMs = INDEX_TIMEOUT_MS,
): Promise<RemotePackage[]> {
  const url = new URL(INDEX_FILE, remote.url).toString();
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    text = await response.text();
  } catch (err) {
    throw unreachable(remote, url, err);
  }
  return parseIndex(text, url).map((e) => ({
    ...e,
    remote: remote.name,
    url: new URL(e.file, remote.url).toString(),
  }));
}

export interface DownloadProgress {
  readonly name: string;
  readonly received: number;
  readonly total: number;
}

/**
 * Downloads a package to `dest`, checking size and sha256 against the index; on a mismatch or any
 * failure the partial file is removed.
 */
export async function downloadPackage(
  pkg: RemotePackage,
  dest: string,
  onProgress?: (p: DownloadProgress) => void,
): Promise<void> {
  const hash = createHash("sha256");
  let received = 0;
  const controller = new AbortController();
  let stall = setTimeout(() => controller.abort(), STALL_TIMEOUT_MS);
  const out = createWriteStream(dest);
  try {
    const response = await fetch(pkg.url, { signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      clearTimeout(stall);
      stall = setTimeout(() => controller.abort(), STALL_TIMEOUT_MS);
      hash.update(chunk);
      received += chunk.length;
      if (received > pkg.size) break;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      onProgress?.({ name: `${pkg.name}@${pkg.version}`, received, total: pkg.size });
    }
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  } catch (err) {
    out.destroy();
    await rm(dest, { force: true });
    throw new MpmError(
      "MPM_E_REMOTE_UNREACHABLE",
      `cannot download ${pkg.name}@${pkg.version} from ${pkg.url}: ${(err as Error).message}`,
      {
        hint: "check the network and the remote (mpm repo list), then pull again",
        cause: err,
      },
    );
  } finally {
    clearTimeout(stall);
  }
  const sha256 = hash.digest("hex");
  if (received !== pkg.size || sha256 !== pkg.sha256) {
    await rm(dest, { force: true });
    throw new MpmError(
      "MPM_E_REMOTE_CHECKSUM",
      `${pkg.name}@${pkg.version} from ${pkg.url} does not match remote ${pkg.remote}'s index (got ${received} bytes, sha256 ${sha256}; index says ${pkg.size} bytes, ${pkg.sha256}); nothing was installed`,
      {
        hint: "the remote's file or index is stale or tampered with; regenerate its index (mpm repo index) or ask its owner",
      },
    );
  }
}

function unreachable(remote: Remote, url: string, err: unknown): MpmError {
  const cause = err as Error & { cause?: { code?: string; message?: string } };
  const why =
    cause.name === "TimeoutError"
      ? "timed out"
      : (cause.cause?.code ?? cause.cause?.message ?? cause.message);
  return new MpmError("MPM_E_REMOTE_UNREACHABLE", `remote ${remote.name} (${url}) is unreachable: ${why}`, {
    hint: "check the URL (mpm repo list) and that its server is up",
    cause: err,
  });
}
