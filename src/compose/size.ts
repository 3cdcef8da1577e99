import { MpmError } from "../errors/mpm-error.ts";

const UNITS: Record<string, number> = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/**
 * Parses an image size: a byte count or a number with K, M, G or T (binary units; a trailing B or iB is
 * accepted), as Capstan's --size takes "10G" or "512MB".
 */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!match) {
    throw new MpmError("MPM_E_COMPOSE_INPUT", `--size '${text}' is not a size`, {
      hint: "write a number of bytes or a number with K, M, G or T, e.g. --size 64M",
      details: { field: "--size", value: text },
    });
  }
  const bytes = Math.ceil(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
  if (bytes <= 0) {
    throw new MpmError("MPM_E_COMPOSE_INPUT", `--size '${text}' must be more than zero`, {
      hint: "e.g. --size 64M",
    });
  }
  return bytes;
}
