import { MpmError } from "../errors/mpm-error.ts";

/**
 * Checks an archive entry name and returns it normalised ("usr/bin/app"): no absolute names, no `..`,
 * nothing empty. Archives are untrusted input; every entry must stay inside the extraction root.
 */
export function safeEntryPath(archive: string, name: string): string {
  const trimmed = name.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  const unsafe = (why: string) =>
    new MpmError("MPM_E_ARCHIVE_UNSAFE", `${archive}: entry '${name}' ${why}`, {
      hint: "rebuild the package with `mpm build`; never extract archives from unknown sources by hand",
      details: { archive, entry: name },
    });
  if (trimmed.startsWith("/") || /^[A-Za-z]:/.test(trimmed)) throw unsafe("is an absolute path");
  if (trimmed === "" || trimmed === ".") throw unsafe("has an empty name");
  if (trimmed.includes("\0")) throw unsafe("contains a NUL byte");
  const parts = trimmed.split("/");
  if (parts.includes("..")) throw unsafe("contains '..'");
  return parts.filter((p) => p !== "" && p !== ".").join("/");
}

/**
 * A symlink escapes when its target, read as a guest path (absolute targets are rooted at the package
 * root, as the guest sees them), leaves the root.
 */
export function symlinkEscapes(entry: string, target: string): boolean {
  if (target.startsWith("/")) return false;
  const stack = entry.split("/").slice(0, -1);
  for (const part of target.split("/")) {
    if (part === "..") {
      if (stack.length === 0) return true;
      stack.pop();
    } else if (part !== "." && part !== "") {
      stack.push(part);
    }
  }
  return false;
}
