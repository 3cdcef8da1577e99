/**
 * OSv's read-only filesystem (fs/rofs): little-endian, 512-byte blocks, offsets relative to the partition.
 * Layout: superblock (block 0) | file data, each file from a fresh block | structure area
 * (directory entries, then symlinks, then inodes) padded to a block.
 */
export const ROFS_MAGIC = 0xdeadbeadn;
export const ROFS_VERSION = 1n;
export const ROFS_BLOCK = 512;
export const INODE_BYTES = 32;
export const MODE_DIR = 0x4000;
export const MODE_FILE = 0x8000;
export const MODE_SYMLINK = 0xa000;

export interface RofsSuperblock {
  readonly structureFirstBlock: number;
  readonly structureBlocks: number;
  readonly directoryEntries: number;
  readonly symlinks: number;
  readonly inodes: number;
}
