import type { FileTree, TreeEntry } from "../tree/file-tree.ts";
import { sortedEntries } from "../tree/file-tree.ts";

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

function hex8(value: number): string {
  return value.toString(16).padStart(8, "0");
}

function pad4(length: number): number {
  return (4 - (length % 4)) % 4;
}

/**
 * One newc record: "070701", 13 eight-digit hex fields, the NUL-terminated name padded so the data starts on
 * a 4-byte boundary, then the data padded to 4. Owner root, mtime 0 and inode numbers from a counter keep
 * the archive reproducible.
 */
function record(name: string, mode: number, data: Uint8Array, ino: number): Buffer[] {
  const nameBytes = Buffer.from(name + "\0", "utf8");
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from("070701" + fields.map(hex8).join(""), "ascii");
  return [
    header,
    nameBytes,
    Buffer.alloc(pad4(header.length + nameBytes.length)),
    Buffer.from(data.buffer, data.byteOffset, data.length),
    Buffer.alloc(pad4(data.length)),
  ];
}

function modeOf(entry: TreeEntry): number {
  if (entry.type === "dir") return S_IFDIR | (entry.mode & 0o7777);
  if (entry.type === "file") return S_IFREG | (entry.mode & 0o7777);
  return S_IFLNK | 0o777;
}

function dataOf(entry: TreeEntry): Uint8Array {
  if (entry.type === "file") return entry.data;
  if (entry.type === "symlink") return Buffer.from(entry.target, "utf8");
  return new Uint8Array(0);
}

/**
 * Writes a tree as an uncompressed cpio "newc" archive, the format the Linux kernel unpacks as initramfs.
 * Several such archives concatenated (each with its trailer) form one valid initramfs, later files winning.
 */
export function writeCpio(tree: FileTree, options: { firstInode?: number } = {}): Buffer {
  const chunks: Buffer[] = [];
  let ino = options.firstInode ?? 1;
  for (const [path, entry] of sortedEntries(tree)) {
    chunks.push(...record(path.slice(1), modeOf(entry), dataOf(entry), ino++));
  }
  chunks.push(...record("TRAILER!!!", 0, new Uint8Array(0), 0));
  return Buffer.concat(chunks);
}
