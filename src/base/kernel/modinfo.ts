/** One kernel module's identity as its .modinfo section states it. */
export interface ModInfo {
  readonly name: string;
  readonly depends: readonly string[];
}

/** Returns the bytes of a named section of an ELF64 little-endian file, or undefined. */
export function elfSection(elf: Buffer, wanted: string): Buffer | undefined {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) return undefined;
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const shstrndx = elf.readUInt16LE(0x3e);
  const header = (index: number) => shoff + index * shentsize;
  const strtabOffset = Number(elf.readBigUInt64LE(header(shstrndx) + 0x18));
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    const nameOffset = strtabOffset + elf.readUInt32LE(h);
    const end = elf.indexOf(0, nameOffset);
    if (elf.toString("latin1", nameOffset, end) !== wanted) continue;
    const offset = Number(elf.readBigUInt64LE(h + 0x18));
    const size = Number(elf.readBigUInt64LE(h + 0x20));
    return elf.subarray(offset, offset + size);
  }
  return undefined;
}

/**
 * Reads `name=` and `depends=` from a module's .modinfo section (NUL-separated key=value strings), which
 * is what depmod itself uses; the fallback name is the file name with '-' folded to '_' as the kernel does.
 */
export function readModInfo(ko: Buffer, fileName: string): ModInfo {
  const section = elfSection(ko, ".modinfo") ?? Buffer.alloc(0);
  let name = fileName.replace(/\.ko$/, "").replaceAll("-", "_");
  let depends: string[] = [];
  for (const item of section.toString("latin1").split("\0")) {
    if (item.startsWith("name=")) name = item.slice(5);
    else if (item.startsWith("depends=")) depends = item.slice(8).split(",").filter(Boolean);
  }
  return { name, depends };
}
