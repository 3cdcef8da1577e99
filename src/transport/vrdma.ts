/**
 * The transport's public surface. An application written against node:net switches to it by changing
 * `import net from "node:net"` to `import * as net from ".../transport/vrdma.ts"`: connect, createConnection
 * and createServer keep their shapes, and co-located peers (per MPM_VRDMA_ROUTES) get shared memory.
 */
export { type ConnectOptions, connect, createConnection, type Socket } from "./connect.ts";
export { ROUTES_ENV, type Route, RouteTable } from "./route-table.ts";
export { createServer, type ListenOptions, Server, type ServerOptions } from "./server.ts";
export type { CompletionStatus, Opcode, WorkCompletion } from "./verbs/completion-queue.ts";
export type { Access, MemoryRegion } from "./verbs/memory-region.ts";
export type { QueuePair, RdmaRequest, WorkRequest } from "./verbs/queue-pair.ts";
export { connectQueuePair, QueuePairListener } from "./verbs/verbs-endpoint.ts";
