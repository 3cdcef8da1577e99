import { existsSync, readdirSync, readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { MpmError } from "../errors/mpm-error.ts";

/** The environment variable naming the route file a host hands to its processes and guests. */
export const ROUTES_ENV = "MPM_VRDMA_ROUTES";

export interface Route {
  /** "host:port" as the application connects to or listens on it. */
  readonly address: string;
  /** The region: a /dev/shm file, or "ivshmem" / "ivshmem:N" for the Nth ivshmem PCI device of a guest. */
  readonly shm: string;
}

const WILDCARDS = new Set(["", "0.0.0.0", "::", "localhost"]);

/**
 * Which addresses are co-located, and through which shared-memory region they are reached; every other
 * address goes over TCP. Given at run time by whoever placed the peers (the host, as the design's
 * virtio-rdma learns routes from the host), as a JSON file: {"routes": [{"address": "10.0.2.15:7000",
 * "shm": "/dev/shm/mpm-vrdma-a"}]}.
 */
export class RouteTable {
  readonly routes: readonly Route[];

  constructor(routes: readonly Route[] = []) {
    this.routes = routes;
  }

  /**
   * Reads MPM_VRDMA_ROUTES: the path of the route file, or the JSON itself when it starts with "{" (handy
   * for `mpm run --env`). No variable means no co-located peers (all TCP).
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): RouteTable {
    const value = env[ROUTES_ENV]?.trim();
    if (!value) return new RouteTable();
    if (!value.startsWith("{")) return RouteTable.fromFile(value);
    return new RouteTable(parseRoutes(ROUTES_ENV, parseJson(ROUTES_ENV, value)));
  }

  static fromFile(file: string): RouteTable {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (cause) {
      throw routesError(file, (cause as Error).message, cause);
    }
    return new RouteTable(parseRoutes(file, parseJson(file, text)));
  }

  /** The region to use when connecting to host:port, if that peer is co-located. */
  forConnect(host: string, port: number): string | undefined {
    return this.routes.find((r) => r.address === `${host}:${port}`)?.shm;
  }

  /**
   * The region to serve when listening on host:port. A wildcard host matches routes on this port whose host
   * is one of this machine's addresses, so a guest listening on 0.0.0.0 serves the route to its own IP.
   */
  forListen(host: string, port: number): string | undefined {
    const exact = this.forConnect(host, port);
    if (exact || !WILDCARDS.has(host)) return exact;
    const local = new Set(["127.0.0.1", "localhost", ...localAddresses()]);
    return this.routes.find((r) => {
      const { host: h, port: p } = splitAddress(r.address);
      return p === port && local.has(h);
    })?.shm;
  }
}

function routesError(source: string, why: string, cause: unknown): MpmError {
  return new MpmError("MPM_E_VRDMA_ROUTES", `cannot read route table ${source}: ${why}`, {
    cause,
    hint: `${ROUTES_ENV} must name a JSON file {"routes": [{"address": "host:port", "shm": "/dev/shm/name"}]} or hold that JSON`,
    details: { source },
  });
}

function parseJson(source: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw routesError(source, (cause as Error).message, cause);
  }
}

function parseRoutes(file: string, data: unknown): Route[] {
  const list = (data as { routes?: unknown } | null)?.routes;
  if (!Array.isArray(list)) {
    throw new MpmError("MPM_E_VRDMA_ROUTES", `${file}: field "routes" must be a list`, {
      hint: 'write {"routes": [{"address": "host:port", "shm": "/dev/shm/name"}]}',
      details: { file, field: "routes" },
    });
  }
  return list.map((entry, i) => {
    const { address, shm } = (entry ?? {}) as { address?: unknown; shm?: unknown };
    const field = `routes[${i}]`;
    if (typeof address !== "string" || !/^[^\s:]+:\d{1,5}$/.test(address)) {
      throw new MpmError(
        "MPM_E_VRDMA_ROUTES",
        `${file}: ${field}.address must be "host:port", got ${JSON.stringify(address)}`,
        {
          hint: 'for example "10.0.2.15:7000"',
          details: { file, field: `${field}.address` },
        },
      );
    }
    if (typeof shm !== "string" || shm === "") {
      throw new MpmError(
        "MPM_E_VRDMA_ROUTES",
        `${file}: ${field}.shm must name a region, got ${JSON.stringify(shm)}`,
        {
          hint: 'a /dev/shm file path, or "ivshmem" inside a guest',
          details: { file, field: `${field}.shm` },
        },
      );
    }
    return { address, shm };
  });
}

export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(":");
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

const PCI_DEVICES = "/sys/bus/pci/devices";

/**
 * Resolves a route's region to a path: "ivshmem" or "ivshmem:N" is BAR2 (resource2) of the Nth PCI device
 * with vendor 1af4 and device 1110 (QEMU's ivshmem-plain), which a guest maps like a file.
 */
export function resolveRegionPath(shm: string, sysfs = PCI_DEVICES): string {
  const m = /^ivshmem(?::(\d+))?$/.exec(shm);
  if (!m) return shm;
  const index = Number(m[1] ?? 0);
  const devices = existsSync(sysfs) ? readdirSync(sysfs).sort() : [];
  const ivshmem = devices.filter((bdf) => {
    const read = (f: string) => readFileSync(join(sysfs, bdf, f), "utf8").trim();
    return read("vendor") === "0x1af4" && read("device") === "0x1110";
  });
  const bdf = ivshmem[index];
  if (!bdf) {
    throw new MpmError("MPM_E_VRDMA_MAP", `no ivshmem device number ${index} (found ${ivshmem.length})`, {
      hint: "start the guest with mpm run --shm <name> so QEMU attaches an ivshmem-plain device",
      details: { shm },
    });
  }
  return join(sysfs, bdf, "resource2");
}
