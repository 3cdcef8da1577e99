import { createServer } from "node:net";
import { MpmError } from "../errors/mpm-error.ts";
import type { PortForward } from "./qemu/qemu-args.ts";

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === "object" && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * Checks that every host port is free and replaces host port 0 by a free one. QEMU would otherwise start,
 * print a terse hostfwd error and exit; checking first names the port. (A port taken between this check
 * and QEMU's bind still fails, and is reported from QEMU's message.)
 */
export async function claimHostPorts(ports: readonly PortForward[]): Promise<PortForward[]> {
  const result: PortForward[] = [];
  for (const p of ports) {
    try {
      let host = await listenOnce(p.host);
      // Two forwards with host 0 must not get the same port.
      while (p.host === 0 && result.some((r) => r.host === host)) host = await listenOnce(0);
      result.push({ host, guest: p.guest });
    } catch (error) {
      throw portInUse(p.host, error);
    }
  }
  const seen = new Set<number>();
  for (const p of result) {
    if (seen.has(p.host)) throw portInUse(p.host, undefined);
    seen.add(p.host);
  }
  return result;
}

export function portInUse(port: number, cause: unknown): MpmError {
  return new MpmError("MPM_E_PORT_IN_USE", `host port ${port} (127.0.0.1) is already in use`, {
    hint: "pick another host port with --port <host>:<guest>, or use --port 0:<guest> for any free port",
    cause,
  });
}
