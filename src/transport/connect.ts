import net from "node:net";
import type { PollerOptions } from "./adaptive-poller.ts";
import { RouteTable, resolveRegionPath } from "./route-table.ts";
import type { LivenessOptions } from "./shm-channel.ts";
import { connectShmChannel } from "./shm-connect.ts";
import { ShmSocket } from "./shm-socket.ts";

export interface ConnectOptions extends LivenessOptions, PollerOptions {
  readonly port: number;
  readonly host?: string;
  /** Routes to use instead of the ones named by MPM_VRDMA_ROUTES. */
  readonly routes?: RouteTable;
  readonly allowHalfOpen?: boolean;
  /** How long a shared-memory connect waits for the listener to accept, in ms. */
  readonly timeoutMs?: number;
}

/** What both kinds of socket offer: net.Socket's interface. */
export type Socket = net.Socket | ShmSocket;

/**
 * Connects to host:port like net.connect: through shared memory when the route table says the peer is
 * co-located, over TCP otherwise. Returns the socket at once; 'connect' follows, or 'error'.
 */
export function connect(options: ConnectOptions, onConnect?: () => void): Socket;
export function connect(port: number, host?: string, onConnect?: () => void): Socket;
export function connect(
  first: ConnectOptions | number,
  second?: string | (() => void),
  third?: () => void,
): Socket {
  const options: ConnectOptions =
    typeof first === "number"
      ? { port: first, ...(typeof second === "string" ? { host: second } : {}) }
      : first;
  const onConnect = typeof second === "function" ? second : third;
  const host = options.host ?? "127.0.0.1";
  const region = (options.routes ?? RouteTable.fromEnv()).forConnect(host, options.port);
  if (region === undefined) {
    const socket = net.connect({ port: options.port, host, allowHalfOpen: options.allowHalfOpen ?? false });
    if (onConnect) socket.once("connect", onConnect);
    return socket;
  }
  const socket = new ShmSocket(options);
  if (onConnect) socket.once("connect", onConnect);
  connectShmChannel(resolveRegionPath(region), options).then(
    (channel) =>
      socket.attach(channel, {
        localAddress: host,
        localPort: 0,
        remoteAddress: host,
        remotePort: options.port,
      }),
    (error: Error) => socket.destroy(error),
  );
  return socket;
}

export const createConnection = connect;
