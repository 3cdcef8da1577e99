import { lstat, readdir, readlink } from "node:fs/promises";
import path from "node:path";

/**
 * The guest-root content of a package directory: everything except meta/ and what Capstan always
 * leaves out (/mpm-pkg, /.git, /.capstanignore, /.gitignore, top-level *.mpm), minus .capstanignore
 * patterns. Sorted by path so every consumer sees one deterministic order.
 */
export interface ContentFile {
  /** Guest path, absolute: "/usr/bin/app". */
  readonly path: string;
  readonly type: "file" | "dir" | "symlink";
  /** Permission bits (e.g. 0o755). */
  readonly mode: number;
  readonly size: number;
  /** Symlink target as stored in the link. */
  readonly linkTarget: string | undefined;
  /** Absolute path on the host. */
  readonly source: string;
}

const ALWAYS_SKIPPED = new Set(["meta", "mpm-pkg", ".git", ".capstanignore", ".gitignore"]);

export async function listContentFiles(root: string, ignore: readonly RegExp[] = []): Promise<ContentFile[]> {
  const out: ContentFile[] = [];
  await walk(root, "", out, ignore);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(root: string, rel: string, out: ContentFile[], ignore: readonly RegExp[]): Promise<void> {
  const entries = await readdir(path.join(root, rel), { withFileTypes: true });
  for (const entry of entries) {
    if (rel === "" && (ALWAYS_SKIPPED.has(entry.name) || entry.name.endsWith(".mpm"))) continue;
    const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
    const guestPath = `/${childRel}`;
    if (ignore.some((re) => re.test(guestPath))) continue;
    const source = path.join(root, childRel);
    const stats = await lstat(source);
    if (stats.isSymbolicLink()) {
      out.push({
        path: guestPath,
        type: "symlink",
        mode: 0o777,
        size: 0,
        linkTarget: await readlink(source),
        source,
      });
    } else if (stats.isDirectory()) {
      out.push({
        path: guestPath,
        type: "dir",
        mode: stats.mode & 0o7777,
        size: 0,
        linkTarget: undefined,
        source,
      });
      await walk(root, childRel, out, ignore);
    } else if (stats.isFile()) {
      out.push({
        path: guestPath,
        type: "file",
        mode: stats.mode & 0o7777,
        size: stats.size,
        linkTarget: undefined,
        source,
      });
    }
  }
}

/**
 * Compiles .capstanignore lines with Capstan's rules: each pattern starts with "/", `*` matches within one
 * path level, `/**\/` any number of levels, a trailing `/*` everything beneath (the folder itself stays).
 */
export function compileCapstanignore(text: string): {
  patterns: RegExp[];
  invalid: { line: number; pattern: string }[];
} {
  const patterns: RegExp[] = [];
  const invalid: { line: number; pattern: string }[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    if (!line.startsWith("/") || line === "/meta") {
      invalid.push({ line: index + 1, pattern: line });
      return;
    }
    let re = "";
    for (let i = 0; i < line.length; i++) {
      if (line.startsWith("/**/", i)) {
        re += "/(?:.*/)?";
        i += 3;
      } else if (line.startsWith("/*", i) && i + 2 === line.length) {
        re += "/.*";
        i += 1;
      } else if (line[i] === "*") {
        re += "[^/]*";
      } else {
        re += line[i]!.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
      }
    }
    patterns.push(new RegExp(`^${re}(?:/.*)?$`));
  });
  return { patterns, invalid };
}
