import { EventEmitter } from "node:events";
import net from "node:net";
import type { Socket } from "./connect.ts";
import { RouteTable, resolveRegionPath } from "./route-table.ts";
import { ShmListener, type ShmListenerOptions } from "./shm-listener.ts";
import { ShmSocket } from "./shm-socket.ts";

export interface ServerOptions extends ShmListenerOptions {
  readonly routes?: RouteTable;
  readonly allowHalfOpen?: boolean;
}

export interface ListenOptions {
  readonly port?: number;
  readonly host?: string;
  /** Serve this region regardless of the route table (a host-given ivshmem device, for example). */
  readonly shm?: string;
}

/**
 * A server with net.Server's interface that accepts TCP connections and, when the route table names a
 * region for its address, shared-memory connections too; 'connection' hands out either kind of socket.
 */
export class Server extends EventEmitter {
  readonly #tcp: net.Server;
  readonly #options: ServerOptions;
  #shm: ShmListener | undefined;

  constructor(options: ServerOptions = {}, onConnection?: (socket: Socket) => void) {
    super();
    this.#options = options;
    this.#tcp = net.createServer({ allowHalfOpen: options.allowHalfOpen ?? false });
    this.#tcp.on("connection", (socket) => this.emit("connection", socket));
    this.#tcp.on("error", (error) => this.emit("error", error));
    if (onConnection) this.on("connection", onConnection);
  }

  get listening(): boolean {
    return this.#tcp.listening;
  }

  /** The region served, if any. */
  get regionPath(): string | undefined {
    return this.#shm?.region.path;
  }

  listen(options: ListenOptions, onListening?: () => void): this;
  listen(port?: number, host?: string, onListening?: () => void): this;
  listen(first?: ListenOptions | number, second?: string | (() => void), third?: () => void): this {
    const options: ListenOptions =
      typeof first === "object"
        ? first
        : { port: first ?? 0, ...(typeof second === "string" ? { host: second } : {}) };
    const onListening = typeof second === "function" ? second : third;
    if (onListening) this.once("listening", onListening);
    const host = options.host ?? "0.0.0.0";
    this.#tcp.listen({ port: options.port ?? 0, host }, () => {
      const port = (this.#tcp.address() as net.AddressInfo).port;
      const routes = this.#options.routes ?? RouteTable.fromEnv();
      const region = options.shm ?? routes.forListen(host, port);
      try {
        if (region !== undefined) this.#serveShm(resolveRegionPath(region), host, port);
      } catch (error) {
        this.#tcp.close();
        this.emit("error", error);
        return;
      }
      this.emit("listening");
    });
    return this;
  }

  address(): net.AddressInfo | string | null {
    return this.#tcp.address();
  }

  close(onClosed?: (error?: Error) => void): this {
    this.#shm?.close();
    this.#shm = undefined;
    this.#tcp.close((error) => {
      this.emit("close");
      onClosed?.(error);
    });
    return this;
  }

  #serveShm(path: string, host: string, port: number): void {
    this.#shm = new ShmListener(path, this.#options);
    this.#shm.on("channel", (channel) => {
      const socket = new ShmSocket(this.#options);
      socket.attach(channel, { localAddress: host, localPort: port, remoteAddress: host, remotePort: 0 });
      this.emit("connection", socket);
    });
  }
}

export function createServer(onConnection?: (socket: Socket) => void): Server;
export function createServer(options: ServerOptions, onConnection?: (socket: Socket) => void): Server;
export function createServer(
  first?: ServerOptions | ((socket: Socket) => void),
  second?: (socket: Socket) => void,
): Server {
  return typeof first === "function" ? new Server({}, first) : new Server(first ?? {}, second);
}
