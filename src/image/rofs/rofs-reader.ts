import { MpmError } from "../../errors/mpm-error.ts";
import type { FileTree } from "../tree/file-tree.ts";
import {
  INODE_BYTES,
  MODE_DIR,
  MODE_FILE,
  MODE_SYMLINK,
  ROFS_BLOCK,
  ROFS_MAGIC,
  ROFS_VERSION,
  type RofsSuperblock,
} from "./rofs-format.ts";

function invalid(what: string): MpmError {
  return new MpmError("MPM_E_ROFS_INVALID", `not a valid ROFS image: ${what}`, {
    hint: "the partition must hold a ROFS filesystem written by mpm compose --format osv or OSv's gen-rofs-img.py",
  });
}

export function readRofsSuperblock(image: Buffer): RofsSuperblock {
  if (image.length < ROFS_BLOCK) throw invalid("shorter than one block");
  if (image.readBigUInt64LE(0) !== ROFS_MAGIC) throw invalid("bad magic");
  if (image.readBigUInt64LE(8) !== ROFS_VERSION) throw invalid(`version ${image.readBigUInt64LE(8)}`);
  if (image.readBigUInt64LE(16) !== BigInt(ROFS_BLOCK)) throw invalid("block size is not 512");
  const n = (i: number) => Number(image.readBigUInt64LE(i * 8));
  return {
    structureFirstBlock: n(3),
    structureBlocks: n(4),
    directoryEntries: n(5),
    symlinks: n(6),
    inodes: n(7),
  };
}

/** Reads a ROFS image back into a tree (files as mode 0o555, the mode OSv presents). */
export function readRofs(image: Buffer): FileTree {
  const sb = readRofsSuperblock(image);
  const start = sb.structureFirstBlock * ROFS_BLOCK;
  const end = start + sb.structureBlocks * ROFS_BLOCK;
  if (end > image.length) throw invalid("structure area beyond the end of the image");
  let pos = start;
  const need = (bytes: number) => {
    if (pos + bytes > end) throw invalid("tables overrun the structure area");
  };
  const dirents: Array<{ inode: number; name: string }> = [];
  for (let i = 0; i < sb.directoryEntries; i++) {
    need(10);
    const inode = Number(image.readBigUInt64LE(pos));
    const length = image.readUInt16LE(pos + 8);
    need(10 + length);
    dirents.push({ inode, name: image.toString("utf8", pos + 10, pos + 10 + length) });
    pos += 10 + length;
  }
  const symlinks: string[] = [];
  for (let i = 0; i < sb.symlinks; i++) {
    need(2);
    const length = image.readUInt16LE(pos);
    need(2 + length);
    symlinks.push(image.toString("utf8", pos + 2, pos + 2 + length));
    pos += 2 + length;
  }
  need(sb.inodes * INODE_BYTES);
  const inode = (no: number) => {
    if (no < 1 || no > sb.inodes) throw invalid(`inode ${no} out of range`);
    const at = pos + (no - 1) * INODE_BYTES;
    return {
      mode: Number(image.readBigUInt64LE(at)) & 0xf000,
      dataOffset: Number(image.readBigUInt64LE(at + 16)),
      count: Number(image.readBigUInt64LE(at + 24)),
    };
  };
  const tree: FileTree = new Map();
  const visit = (no: number, path: string, depth: number) => {
    if (depth > 256) throw invalid("directory nesting too deep (a cycle?)");
    const node = inode(no);
    if (node.mode === MODE_DIR) {
      if (path !== "/") tree.set(path, { type: "dir", mode: 0o555 });
      for (const d of dirents.slice(node.dataOffset, node.dataOffset + node.count)) {
        visit(d.inode, path === "/" ? `/${d.name}` : `${path}/${d.name}`, depth + 1);
      }
    } else if (node.mode === MODE_FILE) {
      const from = node.dataOffset * ROFS_BLOCK;
      if (from + node.count > image.length) throw invalid(`data of ${path} beyond the end of the image`);
      tree.set(path, { type: "file", mode: 0o555, data: image.subarray(from, from + node.count) });
    } else if (node.mode === MODE_SYMLINK) {
      const target = symlinks[node.dataOffset];
      if (target === undefined) throw invalid(`symlink ${path} points outside the symlink table`);
      tree.set(path, { type: "symlink", target });
    } else {
      throw invalid(`inode ${no} has unknown mode 0x${node.mode.toString(16)}`);
    }
  };
  visit(1, "/", 0);
  return tree;
}
