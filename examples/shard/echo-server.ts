/**
 * Per-shard networking: each shard listens on the same port with SO_REUSEPORT, the kernel spreads the
 * connections, and a connection stays on the shard that accepted it. A gate lets stop() wait for requests
 * in progress; a semaphore bounds how many a shard serves at once.
 *   node examples/shard/echo-server.ts
 */
import { createConnection, createServer, type Server } from "node:net";
import { isMainThread } from "node:worker_threads";
import {
  defineService,
  Gate,
  listenOnShard,
  Semaphore,
  Sharded,
  ShardGroup,
  shard,
  sleep,
} from "../../src/shard/index.ts";

class EchoShard {
  private readonly gate = new Gate();
  private readonly slots = new Semaphore(100);
  private readonly server: Server = createServer((socket) => {
    socket.on("data", (data) => {
      this.gate
        .run(() =>
          this.slots.withUnits(1, () => sleep(1).then(() => socket.write(`shard ${shard.id}: ${data}`))),
        )
        .catch(() => socket.destroy());
    });
    socket.on("error", () => socket.destroy());
  });
  listen(port: number): Promise<number> {
    return listenOnShard(this.server, { port, host: "127.0.0.1" });
  }
  async stop(): Promise<void> {
    await this.gate.close();
    this.server.close();
  }
}

const echo = defineService("echo", () => new EchoShard());

export async function main(): Promise<number> {
  const service = await Sharded.start(echo);
  // Shard 0 picks a free port; the others join it.
  const port = await service.invokeOn(0, (s) => s.listen(0));
  for (let i = 1; i < shard.count; i++) await service.invokeOn(i, (s, p: number) => s.listen(p), port);
  return port;
}

function ask(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, "127.0.0.1", () => socket.write(text));
    socket.once("data", (d) => {
      resolve(String(d));
      socket.end();
    });
    socket.once("error", reject);
  });
}

if (isMainThread) {
  const group = await ShardGroup.start({ entry: import.meta.url, shards: 2 });
  try {
    const port = await group.runMain<number>();
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(port, `hello ${i}`)));
    const shards = new Set(replies.map((r) => r.split(":")[0]));
    console.log(`20 replies, answered by ${[...shards].sort().join(" and ")}`);
    console.log(replies[0]);
  } finally {
    await group.stop();
  }
}
