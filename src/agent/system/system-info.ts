import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname as osHostname } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

/** A /proc/meminfo value in bytes (the file gives kB). */
export function meminfo(procRoot: string, key: string): number {
  const m = new RegExp(`^${key}:\\s*(\\d+)`, "m").exec(readText(join(procRoot, "meminfo")) ?? "");
  return m ? Number(m[1]) * 1024 : 0;
}

/** Seconds since boot, from /proc/uptime. */
export function uptimeSeconds(procRoot: string): number {
  return Math.floor(Number((readText(join(procRoot, "uptime")) ?? "0").split(" ")[0]));
}

/** Wall-clock ms at boot: now minus uptime. */
export function bootTimeMs(procRoot: string): number {
  const up = Number((readText(join(procRoot, "uptime")) ?? "0").split(" ")[0]);
  return Date.now() - up * 1000;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number): string => String(n).padStart(2, "0");

/** OSv's strftime("%a %b %d %H:%M:%S %Z %Y"), in UTC as OSv guests run. */
export function osvDate(date: Date): string {
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${time} UTC ${date.getUTCFullYear()}`;
}

/** The kernel log; reading it needs root or kernel.dmesg_restrict=0, so failure is reported, not hidden. */
export async function dmesg(): Promise<string> {
  const { stdout } = await run("dmesg", [], { maxBuffer: 16 * 1024 * 1024, timeout: 10_000 });
  return stdout;
}

export const hostname = (): string => osHostname();

/** Sets the hostname through the kernel's UTS entry (needs CAP_SYS_ADMIN in the UTS namespace). */
export async function setHostname(procRoot: string, name: string): Promise<void> {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(join(procRoot, "sys/kernel/hostname"), name);
}

/** CPU feature flags of the first processor in /proc/cpuinfo. */
export function processorFlags(procRoot: string): string {
  const m = /^flags\s*:\s*(.*)$/m.exec(readText(join(procRoot, "cpuinfo")) ?? "");
  return m?.[1]?.trim() ?? "";
}

/** Firmware vendor from DMI (SeaBIOS under QEMU), or "" where the platform has no DMI. */
export function firmwareVendor(sysRoot: string): string {
  return (readText(join(sysRoot, "class/dmi/id/bios_vendor")) ?? "").trim();
}

/**
 * Hypervisor name: the kernel's own /sys/hypervisor/type (Xen), else the DMI product vendor mapped to the
 * names OSv reports ("kvm", "vmware", ...), else "none" on bare metal.
 */
export function hypervisorName(procRoot: string, sysRoot: string): string {
  const type = (readText(join(sysRoot, "hypervisor/type")) ?? "").trim();
  if (type) return type;
  const flags = processorFlags(procRoot).split(" ");
  if (!flags.includes("hypervisor")) return "none";
  const vendor = `${readText(join(sysRoot, "class/dmi/id/sys_vendor")) ?? ""} ${readText(join(sysRoot, "class/dmi/id/product_name")) ?? ""}`;
  if (/qemu|kvm/i.test(vendor)) return "kvm";
  if (/vmware/i.test(vendor)) return "vmware";
  if (/microsoft/i.test(vendor)) return "hyperv";
  if (/xen/i.test(vendor)) return "xen";
  if (/firecracker|amazon/i.test(vendor)) return "kvm";
  // Guests booted without firmware have no DMI; QEMU still names its CPU model.
  if (/QEMU/.test(readText(join(procRoot, "cpuinfo")) ?? "")) return "qemu";
  return "unknown";
}
