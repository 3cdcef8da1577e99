/**
 * meta/SHA256SUMS: the sha256 of every regular file of a built package, in `sha256sum` format
 * ("<hex>  <path>", sorted), so `sha256sum -c` run in an extracted package checks it too.
 */
export const CHECKSUMS_ENTRY = "meta/SHA256SUMS";

export function renderChecksums(sums: ReadonlyMap<string, string>): string {
  return [...sums.keys()]
    .sort()
    .map((file) => `${sums.get(file)}  ${file}\n`)
    .join("");
}

export function parseChecksums(text: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match) return undefined;
    out.set(match[2]!, match[1]!);
  }
  return out;
}
