import path from "node:path";
import { ElfFormatError, type ElfInfo, EM_X86_64, isElfFile, readElf } from "../elf/read-elf.ts";
import type { ContentFile } from "./content-files.ts";
import type { ProblemList } from "./problem.ts";

/**
 * Checks every ELF file of a package for the guest it will run in:
 * - x86-64, 64-bit, little-endian;
 * - executables position independent (ET_DYN: PIE or shared object), because OSv loads every program
 *   like a shared library; a non-PIE ET_EXEC is an error for target "osv" and a warning for "linux";
 * - every DT_NEEDED library found in the package, its dependencies or the base, searched in the
 *   DT_RUNPATH/DT_RPATH folders ($ORIGIN expanded) and the standard library folders.
 * Files with the exec bit in a binary folder that are not ELF get a warning.
 */
export type GuestTarget = "osv" | "linux";

export interface ElfCheckOptions {
  readonly target: GuestTarget;
  /** Guest paths of files and links that dependencies put in the image. */
  readonly dependencyPaths: ReadonlySet<string>;
  /** Library names the base (kernel or base image) provides. */
  readonly baseLibraries: readonly string[];
}

/** What OSv's kernel provides itself (its libc, libm, pthread, dl, rt... are built in). */
export const OSV_BASE_LIBRARIES: readonly string[] = [
  "ld-linux-x86-64.so.2",
  "libc.so.6",
  "libm.so.6",
  "libpthread.so.0",
  "libdl.so.2",
  "librt.so.1",
  "libutil.so.1",
  "libaio.so.1",
  "libgcc_s.so.1",
  "libstdc++.so.6",
];

const LIBRARY_DIRS = [
  "/",
  "/lib",
  "/lib64",
  "/usr/lib",
  "/usr/lib64",
  "/lib/x86_64-linux-gnu",
  "/usr/lib/x86_64-linux-gnu",
  "/usr/local/lib",
];
const BINARY_DIRS = new Set(["bin", "sbin", "lib", "lib64", "libexec"]);

export async function checkElfFiles(
  files: readonly ContentFile[],
  options: ElfCheckOptions,
  problems: ProblemList,
): Promise<number> {
  const present = new Set<string>(options.dependencyPaths);
  for (const f of files) if (f.type !== "dir") present.add(f.path);
  let checked = 0;
  for (const file of files) {
    if (file.type !== "file") continue;
    const rel = file.path.slice(1);
    if (!(await isElfFile(file.source))) {
      if (file.mode & 0o111 && file.path.split("/").some((part) => BINARY_DIRS.has(part))) {
        problems.warning(rel, "has the exec bit in a binary folder but is not an ELF file", {
          hint: "OSv runs only ELF programs; scripts need their interpreter in the image",
        });
      }
      continue;
    }
    checked++;
    let info: ElfInfo;
    try {
      info = await readElf(file.source);
    } catch (err) {
      if (!(err instanceof ElfFormatError)) throw err;
      problems.error(rel, `malformed ELF file: ${err.message}`, {
        hint: "rebuild the binary; it may be truncated",
      });
      continue;
    }
    checkOne(rel, file.path, info, options, present, problems);
  }
  return checked;
}

function checkOne(
  rel: string,
  guestPath: string,
  info: ElfInfo,
  options: ElfCheckOptions,
  present: ReadonlySet<string>,
  problems: ProblemList,
): void {
  if (!info.is64 || !info.littleEndian || info.machine !== EM_X86_64) {
    problems.error(
      rel,
      `is not an x86-64 binary (machine 0x${info.machine.toString(16)}, ${info.is64 ? "64" : "32"}-bit)`,
      {
        hint: "build it for x86-64 (the guest architecture)",
      },
    );
    return;
  }
  if (info.type === "executable") {
    const message = "is a non-PIE executable (ET_EXEC); OSv loads only position-independent programs";
    const hint =
      "rebuild it with `-fpie -pie` (compile with -fpie, link with -pie), or as a shared object with `-fpic -shared`";
    if (options.target === "osv") problems.error(rel, message, { hint });
    else problems.warning(rel, `${message} (fine on a Linux guest)`, { hint });
  } else if (info.type !== "shared") {
    problems.warning(rel, `is an ELF ${info.type} file, which no guest can run or load`, {
      hint: "ship linked programs and libraries only",
    });
    return;
  }
  const dirs = [
    ...info.runpath.map((d) => d.replace(/\$(ORIGIN\b|\{ORIGIN\})/g, path.posix.dirname(guestPath))),
    ...LIBRARY_DIRS,
  ];
  const missing = info.needed.filter((lib) => !isProvided(lib, dirs, present, options.baseLibraries));
  for (const lib of missing) {
    problems.error(rel, `needs ${lib}, which is not in the package, its dependencies or the base`, {
      hint: `add ${lib} to the package (e.g. under /usr/lib) or require the package that provides it`,
    });
  }
}

function isProvided(
  lib: string,
  dirs: readonly string[],
  present: ReadonlySet<string>,
  base: readonly string[],
): boolean {
  if (lib.includes("/")) return present.has(path.posix.normalize(lib.startsWith("/") ? lib : `/${lib}`));
  if (base.includes(lib)) return true;
  return dirs.some((dir) => present.has(path.posix.join(dir, lib)));
}
