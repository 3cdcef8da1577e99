import { type FileHandle, open } from "node:fs/promises";

/**
 * Just enough of ELF (System V gABI, x86-64 psABI) to check binaries for OSv: class, machine, type,
 * PIE flag, interpreter and the dynamic section's DT_NEEDED / DT_SONAME / DT_RUNPATH / DT_RPATH.
 * Reads only the headers and the dynamic string table, never the whole file.
 */
export type ElfType = "relocatable" | "executable" | "shared" | "core" | "unknown";

export interface ElfInfo {
  readonly is64: boolean;
  readonly littleEndian: boolean;
  /** e_machine; 0x3e is x86-64. */
  readonly machine: number;
  readonly type: ElfType;
  /** ET_DYN with DF_1_PIE, or ET_DYN with an interpreter: a position-independent executable. */
  readonly pie: boolean;
  readonly interpreter: string | undefined;
  readonly needed: readonly string[];
  readonly soname: string | undefined;
  readonly runpath: readonly string[];
  /** No PT_DYNAMIC: statically linked. */
  readonly isStatic: boolean;
}

export const EM_X86_64 = 0x3e;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_STRSZ = 10n;
const DT_SONAME = 14n;
const DT_RPATH = 15n;
const DT_RUNPATH = 29n;
const DT_FLAGS_1 = 0x6ffffffbn;
const DF_1_PIE = 0x08000000n;
const TYPES: Record<number, ElfType> = { 1: "relocatable", 2: "executable", 3: "shared", 4: "core" };

export class ElfFormatError extends Error {}

export async function isElfFile(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32BE(0) === 0x7f454c46;
  } finally {
    await handle.close();
  }
}

/** Parses an ELF file; throws ElfFormatError when it is truncated or inconsistent. */
export async function readElf(file: string): Promise<ElfInfo> {
  const handle = await open(file, "r");
  try {
    return await parse(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

async function readAt(handle: FileHandle, size: number, offset: number, length: number): Promise<Buffer> {
  if (offset < 0 || length < 0 || offset + length > size)
    throw new ElfFormatError(`reads past the end of the file (offset ${offset}, ${length} bytes)`);
  const buf = Buffer.alloc(length);
  await handle.read(buf, 0, length, offset);
  return buf;
}

interface Segment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
}

async function parse(handle: FileHandle, size: number): Promise<ElfInfo> {
  const ident = await readAt(handle, size, 0, 16);
  if (ident.readUInt32BE(0) !== 0x7f454c46) throw new ElfFormatError("no ELF magic");
  const is64 = ident[4] === 2;
  const littleEndian = ident[5] === 1;
  if (!is64 || !littleEndian) {
    const header = await readAt(handle, size, 0, 20);
    const machine = littleEndian ? header.readUInt16LE(18) : header.readUInt16BE(18);
    const type = TYPES[littleEndian ? header.readUInt16LE(16) : header.readUInt16BE(16)] ?? "unknown";
    return {
      is64,
      littleEndian,
      machine,
      type,
      pie: false,
      interpreter: undefined,
      needed: [],
      soname: undefined,
      runpath: [],
      isStatic: true,
    };
  }
  const h = await readAt(handle, size, 0, 64);
  const type = TYPES[h.readUInt16LE(16)] ?? "unknown";
  const machine = h.readUInt16LE(18);
  const phoff = Number(h.readBigUInt64LE(32));
  const phentsize = h.readUInt16LE(54);
  const phnum = h.readUInt16LE(56);
  if (phnum > 0 && phentsize < 56) throw new ElfFormatError(`program header entries of ${phentsize} bytes`);
  const segments: Segment[] = [];
  if (phnum > 0) {
    const table = await readAt(handle, size, phoff, phentsize * phnum);
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      segments.push({
        type: table.readUInt32LE(at),
        offset: Number(table.readBigUInt64LE(at + 8)),
        vaddr: Number(table.readBigUInt64LE(at + 16)),
        filesz: Number(table.readBigUInt64LE(at + 32)),
      });
    }
  }
  const interpSeg = segments.find((s) => s.type === PT_INTERP);
  const interpreter = interpSeg
    ? cString(await readAt(handle, size, interpSeg.offset, interpSeg.filesz), 0)
    : undefined;
  const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
  const base = { is64, littleEndian, machine, type, interpreter };
  if (!dynamic) return { ...base, pie: false, needed: [], soname: undefined, runpath: [], isStatic: true };
  const dyn = await readAt(handle, size, dynamic.offset, dynamic.filesz);
  const entries: Array<[bigint, bigint]> = [];
  for (let at = 0; at + 16 <= dyn.length; at += 16) {
    const tag = dyn.readBigInt64LE(at);
    if (tag === 0n) break;
    entries.push([tag, dyn.readBigUInt64LE(at + 8)]);
  }
  const value = (tag: bigint) => entries.find(([t]) => t === tag)?.[1];
  const strtabAddr = value(DT_STRTAB);
  const strsz = Number(value(DT_STRSZ) ?? 0n);
  let strings: Buffer = Buffer.alloc(0);
  if (strtabAddr !== undefined) {
    const load = segments.find(
      (s) => s.type === PT_LOAD && Number(strtabAddr) >= s.vaddr && Number(strtabAddr) < s.vaddr + s.filesz,
    );
    if (!load) throw new ElfFormatError("DT_STRTAB is outside every loaded segment");
    strings = await readAt(handle, size, Number(strtabAddr) - load.vaddr + load.offset, strsz);
  }
  const str = (offset: bigint) => cString(strings, Number(offset));
  const needed = entries.filter(([t]) => t === DT_NEEDED).map(([, v]) => str(v));
  const sonameOffset = value(DT_SONAME);
  const runpathOffset = value(DT_RUNPATH) ?? value(DT_RPATH);
  const flags1 = value(DT_FLAGS_1) ?? 0n;
  return {
    ...base,
    pie: type === "shared" && ((flags1 & DF_1_PIE) !== 0n || interpreter !== undefined),
    needed,
    soname: sonameOffset === undefined ? undefined : str(sonameOffset),
    runpath: runpathOffset === undefined ? [] : str(runpathOffset).split(":").filter(Boolean),
    isStatic: false,
  };
}

function cString(buf: Buffer, offset: number): string {
  if (offset >= buf.length) throw new ElfFormatError(`string offset ${offset} is past the string table`);
  const end = buf.indexOf(0, offset);
  return buf.toString("utf8", offset, end < 0 ? buf.length : end);
}
