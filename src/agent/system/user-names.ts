import { readText } from "./system-info.ts";

let cache: { users: Map<number, string>; groups: Map<number, string>; at: number } | undefined;

const parse = (text: string | undefined): Map<number, string> => {
  const map = new Map<number, string>();
  for (const line of (text ?? "").split("\n")) {
    const [name, , id] = line.split(":");
    if (name && id && /^\d+$/.test(id)) map.set(Number(id), name);
  }
  return map;
};

/** uid and gid names from /etc/passwd and /etc/group, re-read at most every 10 s. */
export function userNames(): { users: Map<number, string>; groups: Map<number, string> } {
  if (!cache || Date.now() - cache.at > 10_000) {
    cache = { users: parse(readText("/etc/passwd")), groups: parse(readText("/etc/group")), at: Date.now() };
  }
  return cache;
}
