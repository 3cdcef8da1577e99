import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { runBaseFetch } from "../../src/base/commands/base-fetch.ts";
import { requireNodeBase } from "../../src/base/node-base.ts";
import { composeInitrd } from "../../src/compose/compose-initrd.ts";
import type { ComposedImage } from "../../src/image/composed-image.ts";
import type { FileTree } from "../../src/image/tree/file-tree.ts";
import { buildShmAddon } from "../../src/transport/native/shm-addon.ts";
import { REPO } from "../run/cli.ts";

function addDir(tree: FileTree, hostDir: string, guestDir: string, keep: (path: string) => boolean): void {
  for (const entry of readdirSync(hostDir, { withFileTypes: true })) {
    const host = join(hostDir, entry.name);
    if (entry.isDirectory()) addDir(tree, host, `${guestDir}/${entry.name}`, keep);
    else if (keep(host))
      tree.set(`${guestDir}/${entry.name}`, { type: "file", mode: 0o644, data: readFileSync(host) });
  }
}

/**
 * A guest that runs the transport's guest peer (test/transport/fixtures/guest-peer.ts) on the node runtime
 * base: the transport and error sources as they are (Node 24 strips the types in the guest too) and the
 * mmap addon built on this host (it needs only libc, which the node base carries). `extraSources` (folders or
 * files, relative to the repository) add more at the same place under /app, such as a benchmark's in-guest
 * program and what it imports.
 */
export async function composeTransportGuest(
  dir: string,
  options: { extraSources?: readonly string[] } = {},
): Promise<ComposedImage> {
  await runBaseFetch({ only: ["kernel", "busybox", "node"] });
  const nodeRoot = (await requireNodeBase()).root;
  const runtime: FileTree = new Map();
  addDir(runtime, nodeRoot, "", () => true);
  for (const [path, entry] of runtime) {
    if (path.endsWith("/bin/node") && entry.type === "file") runtime.set(path, { ...entry, mode: 0o755 });
    if (/\.so/.test(path) && entry.type === "file") runtime.set(path, { ...entry, mode: 0o755 });
  }
  const app: FileTree = new Map();
  const source = (p: string) => p.endsWith(".ts") && !p.endsWith(".test.ts");
  addDir(app, join(REPO, "src/transport"), "/app/src/transport", (p) => source(p) || p.endsWith(".c"));
  addDir(app, join(REPO, "src/errors"), "/app/src/errors", source);
  for (const sources of ["test/transport/fixtures", ...(options.extraSources ?? [])]) {
    if (statSync(join(REPO, sources)).isDirectory())
      addDir(app, join(REPO, sources), `/app/${sources}`, source);
    else app.set(`/app/${sources}`, { type: "file", mode: 0o644, data: readFileSync(join(REPO, sources)) });
  }
  const addon = buildShmAddon();
  app.set(`/app/${relative(REPO, addon)}`, { type: "file", mode: 0o755, data: readFileSync(addon) });
  return composeInitrd({
    output: join(dir, "vrdma-peer.img"),
    package: { name: "vrdma-peer", version: "1.0.0" },
    layers: [runtime, app],
    config: {
      command: "/usr/bin/node /app/test/transport/fixtures/guest-peer.ts serve 7000",
      env: { HOME: "/root" },
      hostname: "vrdma-peer",
      opts: {},
    },
    ports: [],
  });
}
