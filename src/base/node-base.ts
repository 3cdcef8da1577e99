import { copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { MpmError } from "../errors/mpm-error.ts";
import { currentBase, installBase } from "./base-store.ts";
import { runTool } from "./run-tool.ts";

export interface NodeBase {
  readonly version: string;
  /** A root tree: usr/bin/node plus the host libraries it links against, at their host paths. */
  readonly root: string;
}

/** Shared libraries `ldd` resolves for a binary (absolute host paths, the loader included). */
export function parseLdd(output: string): string[] {
  const libs: string[] = [];
  for (const line of output.split("\n")) {
    const arrow = /=>\s+(\/\S+)/.exec(line);
    const bare = /^\s*(\/\S+)\s+\(/.exec(line);
    const path = arrow?.[1] ?? bare?.[1];
    if (path && !libs.includes(path)) libs.push(path);
  }
  return libs;
}

/**
 * Makes the node runtime base from the Node.js binary running mpm (the project's pinned Node 24), stripped
 * when `strip` exists (measured: 126.6 MB -> ~100 MB), with the libraries it needs copied from the host.
 */
export async function fetchNodeBase(
  options: { cacheDir?: string; onProgress?: (message: string) => void; nodeBinary?: string } = {},
): Promise<NodeBase> {
  const binary = options.nodeBinary ?? process.execPath;
  const version = (await runTool(binary, ["--version"])).toString().trim();
  options.onProgress?.(`copying node ${version} and its libraries`);
  const { dir } = await installBase(
    "node",
    version,
    async (tmp) => {
      const root = join(tmp, "root");
      const target = join(root, "usr", "bin", "node");
      await mkdir(dirname(target), { recursive: true });
      await copyFile(binary, target);
      const stripped = await runTool("strip", ["--strip-all", target], { debianPackage: "binutils" }).then(
        () => true,
        () => false,
      );
      const libs = parseLdd((await runTool("ldd", [binary], { debianPackage: "libc-bin" })).toString());
      for (const lib of libs) {
        await mkdir(dirname(join(root, lib)), { recursive: true });
        await writeResolved(lib, join(root, lib));
      }
      return {
        source: `host:${binary}`,
        sizeBytes: (await stat(target)).size,
        details: { version, stripped, libraries: libs },
      };
    },
    options.cacheDir,
  );
  return { version, root: join(dir, "root") };
}

/** Copies the file a library path resolves to (ldd names symlinks such as libc.so.6). */
async function writeResolved(from: string, to: string): Promise<void> {
  await writeFile(to, await readFile(from), { mode: 0o755 });
}

export async function requireNodeBase(cacheDir?: string): Promise<NodeBase> {
  const base = await currentBase("node", cacheDir);
  if (!base) {
    throw new MpmError(
      "MPM_E_BASE_MISSING",
      "no node runtime base is prepared (packages with runtime node need it)",
      {
        hint: "run 'mpm base fetch' once (copies the project's Node.js binary and its libraries)",
        details: { base: "node" },
      },
    );
  }
  return { version: base.record.id, root: join(base.dir, "root") };
}
