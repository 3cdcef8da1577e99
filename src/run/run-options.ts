import { MpmError } from "../errors/mpm-error.ts";
import type { Machine, PortForward, SharedMemory } from "./qemu/qemu-args.ts";

function bad(message: string, hint: string): MpmError {
  return new MpmError("MPM_E_BAD_RUN_OPTION", message, { hint });
}

function parsePortNumber(text: string, { allowZero }: { allowZero: boolean }): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 && (n > 0 || allowZero) ? n : undefined;
}

/** `--port host:guest`; host 0 means "any free port" (chosen just before boot). */
export function parsePort(text: string): PortForward {
  const [hostText, guestText, extra] = text.split(":");
  const host = parsePortNumber(hostText ?? "", { allowZero: true });
  const guest = parsePortNumber(guestText ?? "", { allowZero: false });
  if (extra !== undefined || host === undefined || guest === undefined) {
    throw bad(
      `--port ${text}: expected host:guest with ports 1-65535`,
      "e.g. --port 8080:80 (host 0 picks a free port)",
    );
  }
  return { host, guest };
}

const UNIT_BYTES: Readonly<Record<string, number>> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };

/** `512`, `512M`, `64K`, `2G` (binary units, suffix B/iB optional) → bytes; a bare number is `bareUnit`. */
function parseSize(text: string, bareUnit: "K" | "M"): number | undefined {
  const match = /^(\d+)\s*(?:([KMG])(?:I?B)?)?$/i.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * UNIT_BYTES[(match[2] ?? bareUnit).toUpperCase()]!;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** `-m 512`, `-m 512M`, `-m 2G` → MiB. */
export function parseMemoryMiB(text: string): number {
  const bytes = parseSize(text, "M") ?? 0;
  if (bytes < 16 * 2 ** 20 || bytes % 2 ** 20 !== 0) {
    throw bad(`-m ${text}: expected a whole number of MiB, at least 16`, "e.g. -m 512 (MiB) or -m 2G");
  }
  return bytes / 2 ** 20;
}

export function parseCpus(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : 0;
  if (n < 1 || n > 255) throw bad(`-c ${text}: expected a number of virtual CPUs from 1 to 255`, "e.g. -c 2");
  return n;
}

/** `K=V` pairs from --env / --opt, later ones winning; `flag` names the option in messages. */
export function parseAssignments(items: readonly string[], flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    const key = eq > 0 ? item.slice(0, eq) : "";
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      throw bad(`${flag} ${item}: expected NAME=value`, `e.g. ${flag} LOG_LEVEL=debug`);
    }
    result[key] = item.slice(eq + 1);
  }
  return result;
}

const GUEST_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

export function checkGuestName(name: string): string {
  if (!GUEST_NAME.test(name)) {
    throw bad(
      `--name ${name}: a guest name is 1-63 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit`,
      "e.g. --name cache-1",
    );
  }
  return name;
}

/** `--shm name[:size]`; ivshmem needs a power-of-two size; default 4 MiB. */
export function parseSharedMemory(text: string): SharedMemory {
  const [name = "", sizeText] = text.split(":", 2);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw bad(
      `--shm ${text}: the name must be a plain file name under /dev/shm`,
      "e.g. --shm ring0 or --shm ring0:16M",
    );
  }
  const sizeBytes = sizeText === undefined ? 4 * 2 ** 20 : (parseSize(sizeText, "M") ?? 0);
  if (sizeBytes < 4096 || !Number.isInteger(Math.log2(sizeBytes))) {
    throw bad(`--shm ${text}: ivshmem needs a power-of-two size of at least 4K`, "e.g. --shm ring0:16M");
  }
  return { name, sizeBytes };
}

export function parseMachine(text: string): Machine {
  if (text === "microvm" || text === "pc") return text;
  throw bad(
    `--machine ${text}: expected microvm or pc`,
    "microvm boots initrd images fastest; pc boots anything",
  );
}

/** A positive number of seconds for the option `flag`. */
export function parseTimeoutSeconds(text: string, flag: string): number {
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : 0;
  if (n <= 0) throw bad(`${flag} ${text}: expected a positive number of seconds`, `e.g. ${flag} 60`);
  return n;
}
