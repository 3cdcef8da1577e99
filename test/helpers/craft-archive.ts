import { writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";

/** Builds a gzip'd tar from raw entries, to feed mpm hostile or damaged archives. */
export async function craftArchive(
  file: string,
  entries: Array<{
    name: string;
    type?: "file" | "symlink" | "directory" | "link";
    body?: string;
    linkname?: string;
  }>,
): Promise<void> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const header = { name: e.name, type: e.type ?? "file", linkname: e.linkname ?? "", mode: 0o644 };
      const done = (err?: Error | null) => (err ? reject(err) : resolve());
      if ((e.type ?? "file") === "file") pack.entry(header, e.body ?? "", done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  await collected;
  await writeFile(file, gzipSync(Buffer.concat(chunks)));
}
