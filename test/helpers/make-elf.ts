/**
 * Builds small but well-formed ELF64 little-endian files for tests: a header, a PT_LOAD covering the
 * whole file, and (when `needed` is given) a PT_DYNAMIC with DT_NEEDED/DT_STRTAB/DT_STRSZ/DT_FLAGS_1.
 */
export function makeElf(options: {
  type: "executable" | "shared";
  machine?: number;
  pie?: boolean;
  needed?: string[];
  soname?: string;
  runpath?: string;
}): Buffer {
  const dynamic = options.needed !== undefined || options.soname !== undefined;
  const phnum = dynamic ? 2 : 1;
  const headerSize = 64 + 56 * phnum;
  const names = [
    ...(options.needed ?? []),
    ...(options.soname ? [options.soname] : []),
    ...(options.runpath ? [options.runpath] : []),
  ];
  const strtab = Buffer.concat([Buffer.from([0]), ...names.map((n) => Buffer.from(`${n}\0`))]);
  const offsetOf = (name: string) =>
    1 + names.slice(0, names.indexOf(name)).reduce((sum, n) => sum + n.length + 1, 0);
  const entries: Array<[bigint, bigint]> = [];
  const strOffset = headerSize;
  for (const n of options.needed ?? []) entries.push([1n, BigInt(offsetOf(n))]);
  if (options.soname) entries.push([14n, BigInt(offsetOf(options.soname))]);
  if (options.runpath) entries.push([29n, BigInt(offsetOf(options.runpath))]);
  entries.push([5n, BigInt(strOffset)], [10n, BigInt(strtab.length)]);
  if (options.pie) entries.push([0x6ffffffbn, 0x08000000n]);
  entries.push([0n, 0n]);
  const dyn = Buffer.alloc(dynamic ? entries.length * 16 : 0);
  entries.forEach(([tag, value], i) => {
    if (!dynamic) return;
    dyn.writeBigInt64LE(tag, i * 16);
    dyn.writeBigUInt64LE(value, i * 16 + 8);
  });
  const dynOffset = headerSize + (dynamic ? strtab.length : 0);
  const total = dynOffset + dyn.length;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(0x7f454c46, 0);
  out[4] = 2;
  out[5] = 1;
  out[6] = 1;
  out.writeUInt16LE(options.type === "executable" ? 2 : 3, 16);
  out.writeUInt16LE(options.machine ?? 0x3e, 18);
  out.writeUInt32LE(1, 20);
  out.writeBigUInt64LE(64n, 32);
  out.writeUInt16LE(64, 52);
  out.writeUInt16LE(56, 54);
  out.writeUInt16LE(phnum, 56);
  const ph = (i: number, type: number, offset: number, size: number) => {
    const at = 64 + i * 56;
    out.writeUInt32LE(type, at);
    out.writeBigUInt64LE(BigInt(offset), at + 8);
    out.writeBigUInt64LE(BigInt(offset), at + 16);
    out.writeBigUInt64LE(BigInt(offset), at + 24);
    out.writeBigUInt64LE(BigInt(size), at + 32);
    out.writeBigUInt64LE(BigInt(size), at + 40);
  };
  ph(0, 1, 0, total);
  if (dynamic) {
    ph(1, 2, dynOffset, dyn.length);
    strtab.copy(out, headerSize);
    dyn.copy(out, dynOffset);
  }
  return out;
}
