import type { FileTree, TreeEntry } from "../tree/file-tree.ts";
import { allDirectories } from "../tree/file-tree.ts";
import {
  INODE_BYTES,
  MODE_DIR,
  MODE_FILE,
  MODE_SYMLINK,
  ROFS_BLOCK,
  ROFS_MAGIC,
  ROFS_VERSION,
} from "./rofs-format.ts";

interface Inode {
  mode: number;
  dataOffset: number;
  count: number;
}

/** Children of every directory, names sorted (ROFS looks names up by linear scan, so order is free). */
function childrenOf(tree: FileTree): Map<string, string[]> {
  const children = new Map<string, string[]>([["/", []]]);
  for (const dir of allDirectories(tree)) children.set(dir, []);
  const paths = new Set([...allDirectories(tree), ...[...tree.keys()].filter((p) => p !== "/")]);
  for (const path of paths) {
    const parent = path.slice(0, path.lastIndexOf("/")) || "/";
    children.get(parent)!.push(path);
  }
  for (const list of children.values()) list.sort();
  return children;
}

/**
 * Writes a tree as a ROFS image. Inodes are numbered from 1 (the root) in the order they are reached;
 * a directory's entries are emitted after those of its subdirectories, as OSv's gen-rofs-img.py does.
 * ROFS keeps no permissions, owners or times: the guest sees every file as 0555.
 */
export function writeRofs(tree: FileTree): Buffer {
  const children = childrenOf(tree);
  const dataBlocks: Buffer[] = [];
  let nextBlock = 1;
  const inodes: Inode[] = [{ mode: MODE_DIR, dataOffset: 0, count: 0 }];
  const dirents: Array<{ inode: number; name: Buffer }> = [];
  const symlinks: Buffer[] = [];

  const entryOf = (path: string): TreeEntry => tree.get(path) ?? { type: "dir", mode: 0o755 };
  const writeDir = (dir: string, inodeIndex: number) => {
    const own: Array<{ inode: number; name: Buffer }> = [];
    for (const child of children.get(dir) ?? []) {
      const entry = entryOf(child);
      const index = inodes.length;
      inodes.push({ mode: 0, dataOffset: 0, count: 0 });
      own.push({ inode: index + 1, name: Buffer.from(child.slice(child.lastIndexOf("/") + 1), "utf8") });
      if (entry.type === "dir") {
        writeDir(child, index);
      } else if (entry.type === "file") {
        inodes[index] = { mode: MODE_FILE, dataOffset: nextBlock, count: entry.data.length };
        const blocks = Math.ceil(entry.data.length / ROFS_BLOCK);
        const padded = Buffer.alloc(blocks * ROFS_BLOCK);
        padded.set(entry.data);
        dataBlocks.push(padded);
        nextBlock += blocks;
      } else {
        inodes[index] = { mode: MODE_SYMLINK, dataOffset: symlinks.length, count: 1 };
        symlinks.push(Buffer.from(entry.target, "utf8"));
      }
    }
    inodes[inodeIndex] = { mode: MODE_DIR, dataOffset: dirents.length, count: own.length };
    dirents.push(...own);
  };
  writeDir("/", 0);

  const structure: Buffer[] = [];
  for (const d of dirents) {
    const head = Buffer.alloc(10);
    head.writeBigUInt64LE(BigInt(d.inode), 0);
    head.writeUInt16LE(d.name.length, 8);
    structure.push(head, d.name);
  }
  for (const s of symlinks) {
    const head = Buffer.alloc(2);
    head.writeUInt16LE(s.length, 0);
    structure.push(head, s);
  }
  inodes.forEach((inode, i) => {
    const rec = Buffer.alloc(INODE_BYTES);
    rec.writeBigUInt64LE(BigInt(inode.mode), 0);
    rec.writeBigUInt64LE(BigInt(i + 1), 8);
    rec.writeBigUInt64LE(BigInt(inode.dataOffset), 16);
    rec.writeBigUInt64LE(BigInt(inode.count), 24);
    structure.push(rec);
  });
  const structureBytes = Buffer.concat(structure);
  const structureBlocks = Math.max(1, Math.ceil(structureBytes.length / ROFS_BLOCK));
  const superblock = Buffer.alloc(ROFS_BLOCK);
  const fields = [ROFS_MAGIC, ROFS_VERSION, BigInt(ROFS_BLOCK), BigInt(nextBlock), BigInt(structureBlocks)];
  fields.push(BigInt(dirents.length), BigInt(symlinks.length), BigInt(inodes.length));
  fields.forEach((value, i) => {
    superblock.writeBigUInt64LE(value, i * 8);
  });
  const tail = Buffer.alloc(structureBlocks * ROFS_BLOCK);
  tail.set(structureBytes);
  return Buffer.concat([superblock, ...dataBlocks, tail]);
}
