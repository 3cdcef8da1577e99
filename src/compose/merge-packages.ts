import { readFile } from "node:fs/promises";
import { MpmError } from "../errors/mpm-error.ts";
import type { FileTree, TreeEntry } from "../image/tree/file-tree.ts";
import type { ContentFile } from "../package/content-files.ts";

/** One package's content (or any listed directory) as a tree: a layer of its own, cached by content. */
export async function packageTree(pkg: { readonly files: readonly ContentFile[] }): Promise<FileTree> {
  const tree: FileTree = new Map();
  for (const file of pkg.files) {
    if (file.type === "dir") tree.set(file.path, { type: "dir", mode: file.mode });
    else if (file.type === "symlink") tree.set(file.path, { type: "symlink", target: file.linkTarget ?? "" });
    else tree.set(file.path, { type: "file", mode: file.mode, data: await readFile(file.source) });
  }
  return tree;
}

function same(a: TreeEntry, b: TreeEntry): boolean {
  if (a.type !== b.type) return false;
  if (a.type === "dir") return true;
  if (a.type === "symlink") return a.target === (b as typeof a).target;
  const other = b as typeof a;
  return a.mode === other.mode && Buffer.from(a.data).equals(Buffer.from(other.data));
}

/**
 * Merges package trees in order (dependencies first, the application last). A path two packages provide
 * with different content is a conflict, reported with both package names, unless `allowOverwrite` lets
 * the later package win (Capstan's behaviour). Directories merge; identical files are no conflict.
 */
export function mergeTrees(
  layers: ReadonlyArray<{ readonly name: string; readonly tree: FileTree }>,
  options: { allowOverwrite: boolean },
): FileTree {
  const merged: FileTree = new Map();
  const owner = new Map<string, string>();
  for (const { name, tree } of layers) {
    for (const [path, entry] of tree) {
      const existing = merged.get(path);
      if (existing && !same(existing, entry) && !options.allowOverwrite) {
        throw new MpmError(
          "MPM_E_COMPOSE_CONFLICT",
          `packages ${owner.get(path)} and ${name} both provide ${path} with different content`,
          {
            hint: "remove the file from one package, or pass --allow-overwrite to let the later package win",
            details: { path, packages: [owner.get(path), name] },
          },
        );
      }
      if (existing?.type === "dir" && entry.type === "dir") continue;
      merged.set(path, entry);
      owner.set(path, name);
    }
  }
  return merged;
}
