import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MpmError } from "../../errors/mpm-error.ts";
import type { PortForward } from "../qemu/qemu-args.ts";

/** What `mpm run --detach` records about a guest, in <root>/guests/<name>/state.json. */
export interface GuestState {
  readonly schema: 1;
  readonly name: string;
  readonly pid: number;
  readonly image: string;
  readonly package: string;
  readonly ports: readonly PortForward[];
  readonly startedAt: string;
}

export interface GuestFiles {
  readonly dir: string;
  readonly state: string;
  readonly console: string;
  /** QEMU's own stderr. */
  readonly qemuLog: string;
  /** The run-time overrides handed to the guest through fw_cfg. */
  readonly runConfig: string;
}

export function guestFiles(root: string, name: string): GuestFiles {
  const dir = join(root, "guests", name);
  return {
    dir,
    state: join(dir, "state.json"),
    console: join(dir, "console.log"),
    qemuLog: join(dir, "qemu.log"),
    runConfig: join(dir, "run.json"),
  };
}

/**
 * A guest is alive while its QEMU process exists and still is the QEMU we started: a recycled pid
 * belongs to another program, whose command line does not name this guest's console file.
 */
export function isGuestAlive(root: string, state: GuestState): boolean {
  try {
    const cmdline = readFileSync(`/proc/${state.pid}/cmdline`, "utf8");
    return cmdline.includes(guestFiles(root, state.name).console);
  } catch {
    return false;
  }
}

function readState(root: string, name: string): GuestState | undefined {
  try {
    return JSON.parse(readFileSync(guestFiles(root, name).state, "utf8")) as GuestState;
  } catch {
    return undefined;
  }
}

/** Running guests, sorted by name; entries whose QEMU is gone are removed on the way. */
export function listGuests(root: string): GuestState[] {
  let names: string[];
  try {
    names = readdirSync(join(root, "guests"));
  } catch {
    return [];
  }
  const alive: GuestState[] = [];
  for (const name of names.sort()) {
    const state = readState(root, name);
    if (state !== undefined && isGuestAlive(root, state)) alive.push(state);
    else if (state !== undefined || !isReserving(root, name)) removeGuest(root, name);
  }
  return alive;
}

/** A directory without state.json is either being started right now or left by a crash; give it a minute. */
function isReserving(root: string, name: string): boolean {
  try {
    const reservedAt = Number(readFileSync(join(guestFiles(root, name).dir, "reserved"), "utf8"));
    return Date.now() - reservedAt < 60_000;
  } catch {
    return false;
  }
}

/** The running guest called `name`. */
export function findGuest(root: string, name: string): GuestState {
  const state = readState(root, name);
  if (state === undefined || !isGuestAlive(root, state)) {
    if (state !== undefined) removeGuest(root, name);
    throw new MpmError("MPM_E_GUEST_NOT_FOUND", `no running guest named ${name}`, {
      hint: "mpm ps lists the running guests",
    });
  }
  return state;
}

/** Claims a guest name (atomically, by creating its directory); a dead guest's leftovers are reclaimed. */
export function reserveGuest(root: string, name: string): GuestFiles {
  const files = guestFiles(root, name);
  mkdirSync(join(root, "guests"), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(files.dir);
      writeFileSync(join(files.dir, "reserved"), String(Date.now()));
      return files;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const state = readState(root, name);
      const busy = state !== undefined ? isGuestAlive(root, state) : isReserving(root, name);
      if (busy) break;
      removeGuest(root, name);
    }
  }
  throw new MpmError("MPM_E_GUEST_NAME_TAKEN", `a guest named ${name} is already running`, {
    hint: `pick another --name, or stop it first with mpm stop ${name}`,
  });
}

/** Names not in use, derived from `base`: base, base-2, base-3, ... */
export function freeGuestName(root: string, base: string): string {
  const taken = new Set(listGuests(root).map((g) => g.name));
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!taken.has(name)) return name;
  }
}

export function writeGuestState(root: string, state: GuestState): void {
  const files = guestFiles(root, state.name);
  const temp = `${files.state}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, files.state);
}

export function removeGuest(root: string, name: string): void {
  rmSync(guestFiles(root, name).dir, { recursive: true, force: true });
}
