import { EventEmitter } from "node:events";
import { type ConnectOptions, connect } from "../connect.ts";
import { type ListenOptions, Server, type ServerOptions } from "../server.ts";
import { QueuePair } from "./queue-pair.ts";

/** Connects a queue pair to host:port: shared memory when co-located per the route table, else TCP. */
export function connectQueuePair(options: ConnectOptions): Promise<QueuePair> {
  return new Promise((resolve, reject) => {
    const socket = connect(options);
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(new QueuePair(socket));
    });
  });
}

/** Accepts queue pairs ('queuePair' event) on both the TCP address and its shared-memory route. */
export class QueuePairListener extends EventEmitter<{ queuePair: [QueuePair]; error: [Error] }> {
  readonly server: Server;

  constructor(options: ServerOptions = {}) {
    super();
    this.server = new Server(options, (socket) => this.emit("queuePair", new QueuePair(socket)));
    this.server.on("error", (error: Error) => this.emit("error", error));
  }

  listen(options: ListenOptions): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(options, () => {
        this.server.off("error", reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
