import { readdirSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { readText } from "./system-info.ts";

const WAKEUP_ZERO = {
  packets_8: 0,
  packets_16: 0,
  packets_32: 0,
  packets_64: 0,
  packets_128: 0,
  packets_256: 0,
};

/** IFF_* bits of /sys/class/net/<if>/flags, in the order BSD's `%b` format prints them. */
const FLAG_NAMES: readonly [number, string][] = [
  [0x1, "UP"],
  [0x2, "BROADCAST"],
  [0x4, "DEBUG"],
  [0x8, "LOOPBACK"],
  [0x10, "POINTOPOINT"],
  [0x40, "RUNNING"],
  [0x80, "NOARP"],
  [0x100, "PROMISC"],
  [0x1000, "MULTICAST"],
];

/** OSv writes flags as `<octal><NAME,NAME>` (BSD printf %b); we keep that shape. */
export function formatFlags(flags: number): string {
  const names = FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
  return `${flags.toString(8)}<${names.join(",")}>`;
}

const ipv4ToInt = (ip: string): number => ip.split(".").reduce((a, b) => (a << 8) + Number(b), 0) >>> 0;
const intToIpv4 = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");

export const interfaceNames = (sysRoot: string): string[] => {
  try {
    return readdirSync(join(sysRoot, "class/net")).sort();
  } catch {
    return [];
  }
};

/** One /network/ifconfig entry: config from the kernel and Node, counters from /sys statistics. */
export function readInterface(sysRoot: string, name: string, bootTimeMs: number): Record<string, unknown> {
  const dir = join(sysRoot, "class/net", name);
  const num = (file: string): number => Number((readText(join(dir, file)) ?? "0").trim()) || 0;
  const stat = (file: string): number => num(join("statistics", file));
  const v4 = (networkInterfaces()[name] ?? []).find((a) => a.family === "IPv4");
  const flags = Number.parseInt((readText(join(dir, "flags")) ?? "0").trim(), 16) || 0;
  const broadcast =
    v4 && (flags & 0x2) !== 0 ? intToIpv4((ipv4ToInt(v4.address) | ~ipv4ToInt(v4.netmask)) >>> 0) : "";
  const type = num("type");
  return {
    config: {
      name,
      addr: v4?.address ?? "",
      mask: v4?.netmask ?? "",
      broadcast,
      flags: formatFlags(flags),
      mtu: String(num("mtu")),
      phys_addr: (readText(join(dir, "address")) ?? "").trim(),
    },
    data: {
      // BSD if_data type: 6 = ethernet, 24 = loopback (Linux ARPHRD 772).
      ifi_type: type === 772 ? 24 : 6,
      ifi_physical: 0,
      ifi_addrlen: type === 772 ? 0 : 6,
      ifi_hdrlen: type === 772 ? 0 : 14,
      ifi_link_state: (readText(join(dir, "operstate")) ?? "").trim() === "up" ? 2 : 0,
      ifi_spare_char1: 0,
      ifi_spare_char2: 0,
      ifi_datalen: 0,
      ifi_mtu: num("mtu"),
      ifi_metric: 0,
      ifi_baudrate: Math.max(0, num("speed")) * 1_000_000,
      ifi_ipackets: stat("rx_packets"),
      ifi_ierrors: stat("rx_errors"),
      ifi_opackets: stat("tx_packets"),
      ifi_oerrors: stat("tx_errors"),
      ifi_collisions: stat("collisions"),
      ifi_ibytes: stat("rx_bytes"),
      ifi_obytes: stat("tx_bytes"),
      ifi_imcasts: stat("multicast"),
      ifi_omcasts: 0,
      ifi_iqdrops: stat("rx_dropped"),
      ifi_noproto: 0,
      ifi_hwassist: 0,
      ifi_epoch: 0,
      ifi_ibh_wakeups: 0,
      ifi_oworker_kicks: 0,
      ifi_oworker_wakeups: 0,
      ifi_oworker_packets: 0,
      ifi_okicks: 0,
      ifi_oqueue_is_full: stat("tx_fifo_errors"),
      ifi_iwakeup_stats: WAKEUP_ZERO,
      ifi_owakeup_stats: WAKEUP_ZERO,
    },
    // OSv's time base here is microseconds since boot.
    time: Math.floor((Date.now() - bootTimeMs) * 1000),
  };
}

const hexToIpv4 = (hex: string): string => {
  const n = Number.parseInt(hex, 16);
  return [0, 8, 16, 24].map((s) => (n >>> s) & 255).join(".");
};

const ROUTE_FLAGS: readonly [number, string][] = [
  [0x1, "U"],
  [0x2, "G"],
  [0x4, "H"],
];

/** The IPv4 and IPv6 routing tables from /proc/net/route and /proc/net/ipv6_route. */
export function readRoutes(procRoot: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const v4 = (readText(join(procRoot, "net/route")) ?? "").split("\n").slice(1);
  for (const line of v4) {
    const c = line.trim().split(/\s+/);
    if (c.length < 8) continue;
    const flags = Number.parseInt(c[3] ?? "0", 16);
    const mask = ipv4ToInt(hexToIpv4(c[7] ?? "0"));
    const bits = mask.toString(2).replace(/0/g, "").length;
    out.push({
      destination: `${hexToIpv4(c[1] ?? "0")}/${bits}`,
      gateway: hexToIpv4(c[2] ?? "0"),
      flags: ROUTE_FLAGS.filter(([b]) => (flags & b) !== 0)
        .map(([, n]) => n)
        .join(""),
      netif: c[0],
      ipv6: false,
    });
  }
  for (const line of (readText(join(procRoot, "net/ipv6_route")) ?? "").split("\n")) {
    const c = line.trim().split(/\s+/);
    if (c.length < 10) continue;
    const addr = (hex: string): string => (hex.match(/.{4}/g) ?? []).join(":").replace(/(^|:)0{1,3}/g, "$1");
    const flags = Number.parseInt(c[8] ?? "0", 16);
    out.push({
      destination: `${addr(c[0] ?? "")}/${Number.parseInt(c[1] ?? "0", 16)}`,
      gateway: addr(c[4] ?? ""),
      flags: ROUTE_FLAGS.filter(([b]) => (flags & b) !== 0)
        .map(([, n]) => n)
        .join(""),
      netif: c[9],
      ipv6: true,
    });
  }
  return out;
}
