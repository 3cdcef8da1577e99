/**
 * The guest's root filesystem as compose builds it: a flat list of entries keyed by absolute guest path.
 * Every image writer (cpio, ROFS, FAT) consumes this one shape, so merging and conflict checks happen once.
 */
export type TreeEntry =
  | { readonly type: "dir"; readonly mode: number }
  | { readonly type: "file"; readonly mode: number; readonly data: Uint8Array }
  | { readonly type: "symlink"; readonly target: string };

/** Guest path ("/usr/bin/app") -> entry. Parents are implied; writers create missing directories. */
export type FileTree = Map<string, TreeEntry>;

/** Normalises a guest path to "/a/b" form and refuses anything that would leave the root. */
export function guestPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") throw new RangeError(`path ${JSON.stringify(path)} escapes the guest root`);
    parts.push(part);
  }
  return "/" + parts.join("/");
}

/** Every directory the tree needs, explicit or implied by a descendant, without the root. */
export function allDirectories(tree: FileTree): Set<string> {
  const dirs = new Set<string>();
  for (const [path, entry] of tree) {
    if (entry.type === "dir" && path !== "/") dirs.add(path);
    let parent = path.slice(0, path.lastIndexOf("/"));
    while (parent !== "") {
      dirs.add(parent);
      parent = parent.slice(0, parent.lastIndexOf("/"));
    }
  }
  return dirs;
}

/** Entries in a stable order (parents before children, byte order of paths) so images are reproducible. */
export function sortedEntries(tree: FileTree): Array<[string, TreeEntry]> {
  const dirs = allDirectories(tree);
  const out: Array<[string, TreeEntry]> = [];
  for (const dir of dirs) {
    if (!tree.has(dir)) out.push([dir, { type: "dir", mode: 0o755 }]);
  }
  for (const [path, entry] of tree) if (path !== "/") out.push([path, entry]);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
