import type { Socket as UdpSocket } from "node:dgram";
import type { Server } from "node:net";
import { MpmError } from "../errors/mpm-error.ts";

export interface ListenAddress {
  readonly port: number;
  readonly host?: string | undefined;
  /** Connections the kernel completes before this shard accepts them; capped by net.core.somaxconn. Node's default is 511. */
  readonly backlog?: number | undefined;
}

/**
 * Listens with SO_REUSEPORT so that every shard has its own accept queue on the same port and the kernel
 * spreads new connections over the shards; a connection then lives on the shard that accepted it.
 * Port 0 picks a free port: start one shard with 0, then the others with the port it got.
 */
export function listenOnShard(server: Server, address: ListenAddress): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new MpmError(
          "MPM_E_MEMCACHED_LISTEN",
          `cannot listen on ${address.host ?? "*"}:${address.port}: ${error.code}`,
          {
            hint:
              error.code === "EADDRINUSE"
                ? "pick another port (-p) or stop what uses it"
                : "check the address",
            cause: error,
          },
        ),
      );
    };
    server.once("error", onError);
    server.listen(
      { port: address.port, host: address.host, backlog: address.backlog, reusePort: true },
      () => {
        server.off("error", onError);
        const bound = server.address();
        resolve(typeof bound === "object" && bound !== null ? bound.port : address.port);
      },
    );
  });
}

/** The UDP counterpart: binds a socket created with { reusePort: true }. */
export function bindUdpOnShard(socket: UdpSocket, address: ListenAddress): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new MpmError(
          "MPM_E_MEMCACHED_LISTEN",
          `cannot bind UDP ${address.host ?? "*"}:${address.port}: ${error.code}`,
          {
            hint: "pick another UDP port (-U) or 0 to disable UDP",
            cause: error,
          },
        ),
      );
    };
    socket.once("error", onError);
    socket.bind({ port: address.port, address: address.host }, () => {
      socket.off("error", onError);
      resolve(socket.address().port);
    });
  });
}
