import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { MpmError } from "../errors/mpm-error.ts";
import { CHECKSUMS_ENTRY, parseChecksums } from "./checksums.ts";
import { safeEntryPath, symlinkEscapes } from "./entry-path.ts";

/**
 * Streams the entries of a .mpm (gzip'd tar) after checking each one: names stay inside the root,
 * symlinks do not escape it, no entry goes through a symlink, only files, folders and symlinks, no
 * duplicates. Every file's sha256 is checked against meta/SHA256SUMS when the archive has one.
 */
export interface MpmEntry {
  /** Normalised relative path: "meta/package.yaml", "usr/bin/app". */
  readonly path: string;
  readonly type: "file" | "dir" | "symlink";
  readonly mode: number;
  readonly size: number;
  readonly linkTarget: string | undefined;
}

export interface WalkResult {
  /** sha256 of each regular file as read. */
  readonly sums: ReadonlyMap<string, string>;
  /** Whether the archive carried meta/SHA256SUMS (archives from Capstan do not). */
  readonly checksummed: boolean;
}

/** Receives a file's content chunk by chunk; `close` is called once after the last chunk. */
export interface FileSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** `visit` gets each entry; for a file it may return a sink for the content (else the content is skipped). */
export async function walkMpm(
  file: string,
  visit: (entry: MpmEntry) => Promise<FileSink | undefined>,
): Promise<WalkResult> {
  await checkGzipMagic(file);
  // 1 MiB chunks: with the 64 KiB / 16 KiB defaults, walking a 48 MiB archive took 1.1 s instead of 0.4 s.
  const extract = tar.extract();
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  input.on("error", (err) => extract.destroy(err));
  gunzip.on("error", (err) => extract.destroy(corrupt(file, err)));
  input.pipe(gunzip).pipe(extract as unknown as NodeJS.WritableStream);
  const seen = new Set<string>();
  const symlinks = new Set<string>();
  const sums = new Map<string, string>();
  let recorded: string | undefined;
  try {
    for await (const raw of extract) {
      const entry = checkEntry(file, raw.header, seen, symlinks);
      const sink = await visit(entry);
      if (entry.type !== "file") {
        raw.resume();
        continue;
      }
      const hash = createHash("sha256");
      const chunks: Buffer[] = [];
      for await (const chunk of raw as AsyncIterable<Buffer>) {
        hash.update(chunk);
        if (entry.path === CHECKSUMS_ENTRY) chunks.push(chunk);
        await sink?.write(chunk);
      }
      await sink?.close();
      if (entry.path === CHECKSUMS_ENTRY) recorded = Buffer.concat(chunks).toString("utf8");
      else sums.set(entry.path, hash.digest("hex"));
    }
  } catch (err) {
    input.destroy();
    if (err instanceof MpmError) throw err;
    throw corrupt(file, err as Error);
  }
  if (recorded !== undefined) verifyChecksums(file, recorded, sums);
  return { sums, checksummed: recorded !== undefined };
}

function checkEntry(file: string, header: tar.Header, seen: Set<string>, symlinks: Set<string>): MpmEntry {
  const entryPath = safeEntryPath(file, header.name);
  const type =
    header.type === "directory"
      ? "dir"
      : header.type === "symlink"
        ? "symlink"
        : header.type === "file"
          ? "file"
          : undefined;
  if (type === undefined) {
    throw new MpmError(
      "MPM_E_ARCHIVE_CORRUPT",
      `${file}: entry '${header.name}' is a ${header.type}; only files, folders and symlinks are accepted`,
      {
        hint: "replace hard links and device files by regular files or symlinks, then rebuild",
      },
    );
  }
  const parts = entryPath.split("/");
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join("/");
    if (symlinks.has(parent)) {
      throw new MpmError(
        "MPM_E_ARCHIVE_UNSAFE",
        `${file}: entry '${header.name}' goes through the symlink '${parent}'`,
        {
          hint: "rebuild the package with `mpm build`",
        },
      );
    }
  }
  if (seen.has(entryPath) && type !== "dir") {
    throw new MpmError("MPM_E_ARCHIVE_CORRUPT", `${file}: entry '${entryPath}' appears twice`, {
      hint: "rebuild the package with `mpm build`",
    });
  }
  seen.add(entryPath);
  const linkTarget = type === "symlink" ? (header.linkname ?? "") : undefined;
  if (linkTarget !== undefined) {
    if (linkTarget === "" || symlinkEscapes(entryPath, linkTarget)) {
      throw new MpmError(
        "MPM_E_ARCHIVE_UNSAFE",
        `${file}: symlink '${entryPath}' -> '${linkTarget}' escapes the package root`,
        {
          hint: "make the link point inside the package (absolute guest paths are fine)",
        },
      );
    }
    symlinks.add(entryPath);
  }
  return { path: entryPath, type, mode: (header.mode ?? 0o644) & 0o777, size: header.size ?? 0, linkTarget };
}

function verifyChecksums(file: string, recorded: string, sums: ReadonlyMap<string, string>): void {
  const expected = parseChecksums(recorded);
  if (!expected) {
    throw new MpmError("MPM_E_ARCHIVE_CORRUPT", `${file}: ${CHECKSUMS_ENTRY} is malformed`, {
      hint: "rebuild the package with `mpm build`",
    });
  }
  for (const [entry, sum] of sums) {
    const want = expected.get(entry);
    if (want === undefined) {
      throw new MpmError(
        "MPM_E_ARCHIVE_CHECKSUM",
        `${file}: '${entry}' is not listed in ${CHECKSUMS_ENTRY}`,
        { hint: "the archive was altered; rebuild it" },
      );
    }
    if (want !== sum) {
      throw new MpmError(
        "MPM_E_ARCHIVE_CHECKSUM",
        `${file}: '${entry}' has sha256 ${sum}, ${CHECKSUMS_ENTRY} records ${want}`,
        {
          hint: "the archive was altered or damaged; rebuild or download it again",
        },
      );
    }
  }
  for (const entry of expected.keys()) {
    if (!sums.has(entry)) {
      throw new MpmError(
        "MPM_E_ARCHIVE_CHECKSUM",
        `${file}: '${entry}' is listed in ${CHECKSUMS_ENTRY} but missing`,
        { hint: "the archive is incomplete; rebuild it" },
      );
    }
  }
}

async function checkGzipMagic(file: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (err) {
    throw new MpmError("MPM_E_IO", `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    if (bytesRead < 2 || head[0] !== 0x1f || head[1] !== 0x8b) {
      throw new MpmError(
        "MPM_E_ARCHIVE_NOT_GZIP",
        `${file} is not a .mpm package: it is not gzip-compressed`,
        {
          hint: "build packages with `mpm build`; a .mpm is a gzip'd tar",
        },
      );
    }
  } finally {
    await handle.close();
  }
}

function corrupt(file: string, err: Error): MpmError {
  return new MpmError("MPM_E_ARCHIVE_CORRUPT", `${file} is truncated or damaged: ${err.message}`, {
    hint: "download or build it again",
    cause: err,
  });
}
