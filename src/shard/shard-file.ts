import { type FileHandle, open } from "node:fs/promises";
import { Future } from "./future.ts";

/**
 * File I/O for a shard. Every operation runs on libuv's thread pool (fs/promises), never on the shard's
 * loop, so a slow disk delays only the request that waits for it. The pool is per process and shared by
 * all shards (UV_THREADPOOL_SIZE, default 4), which bounds how many operations are in flight at once.
 */
export class ShardFile {
  private readonly handle: FileHandle;

  private constructor(handle: FileHandle) {
    this.handle = handle;
  }

  /** Opens a file; flags as fs.open ("r", "r+", "w+", "a"...). */
  static open(path: string, flags = "r"): Future<ShardFile> {
    return Future.from(open(path, flags)).then((h) => new ShardFile(h));
  }

  /** Reads up to `length` bytes at `position`; the result is shorter at end of file. */
  read(position: number, length: number): Future<Buffer> {
    const buffer = Buffer.allocUnsafe(length);
    return Future.from(this.handle.read(buffer, 0, length, position)).then((r) =>
      buffer.subarray(0, r.bytesRead),
    );
  }

  /** Writes all of `data` at `position`. */
  write(position: number, data: Uint8Array): Future<void> {
    return Future.from(this.handle.write(data, 0, data.length, position)).then(() => undefined);
  }

  size(): Future<number> {
    return Future.from(this.handle.stat()).then((s) => s.size);
  }

  /** Flushes data to the device. */
  flush(): Future<void> {
    return Future.from(this.handle.datasync());
  }

  close(): Future<void> {
    return Future.from(this.handle.close());
  }
}
