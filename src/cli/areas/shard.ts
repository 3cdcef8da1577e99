import { type Command, InvalidArgumentError } from "commander";
import { runMemcached } from "../../memcached/commands/memcached.ts";

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number");
  return Number(value);
}

/** Sizes like memcached's -I: bytes, or with a k/m suffix (1m = 1048576). */
function size(value: string): number {
  const m = /^(\d+)([kKmM]?)$/.exec(value);
  if (!m) throw new InvalidArgumentError("expected a size such as 1048576, 512k or 1m");
  const unit = m[2]!.toLowerCase() === "k" ? 1024 : m[2]!.toLowerCase() === "m" ? 1024 * 1024 : 1;
  return Number(m[1]) * unit;
}

/** Registers the shard commands. Each command parses argv into its typed options and calls its run(). */
export function registerShardCommands(program: Command): void {
  program
    .command("memcached")
    .description("Run memcached on the sharded framework (one shard per core, keys on their home shard)")
    .option("-p, --port <port>", "TCP port to listen on (0 = any free port)", integer, 11211)
    .option("-U, --udp-port <port>", "UDP port to listen on (0 = off)", integer, 0)
    .option("-l, --listen <addr>", "interface to listen on (default: all)")
    .option("-m, --memory-limit <MiB>", "item memory in megabytes, split evenly over the shards", integer, 64)
    .option("-t, --threads <n>", "number of shards (default: number of cores)", integer)
    .option("-c, --conn-limit <n>", "maximum simultaneous connections", integer, 1024)
    .option("-b, --listen-backlog <n>", "accept queue of each shard's listening socket", integer, 1024)
    .option("-I, --max-item-size <size>", "largest item (bytes, or with k/m suffix)", size, 1024 * 1024)
    .option("--continuation-bound <n>", "ready continuations run inline per loop turn", integer, 256)
    .action(async (o) => {
      const server = await runMemcached({
        port: o.port,
        udpPort: o.udpPort,
        listen: o.listen,
        memoryMb: o.memoryLimit,
        shards: o.threads,
        maxConnections: o.connLimit,
        backlog: o.listenBacklog,
        itemSizeMax: o.maxItemSize,
        continuationBound: o.continuationBound,
      });
      const udp = server.udpPort === 0 ? "off" : String(server.udpPort);
      process.stdout.write(
        `memcached listening: tcp ${server.tcpPort}, udp ${udp}, ${server.shards} shards\n`,
      );
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await server.stop();
    });
}
