/**
 * Guest entry: starts memcached on the shard framework from the environment the image stores
 * (PORT, MEMORY_MB, SHARDS) and runs until the guest stops. The sources sit beside it in /app/src
 * (copied by the build hook), so they are loaded by URL; the type comes from the repository.
 */
import { availableParallelism } from "node:os";
import type { runMemcached as RunMemcached } from "../../../src/memcached/commands/memcached.ts";

const entry = new URL("./src/memcached/commands/memcached.ts", import.meta.url).href;
const { runMemcached } = (await import(entry)) as { runMemcached: typeof RunMemcached };

const shards = Number(process.env["SHARDS"] ?? "0") || availableParallelism();
const server = await runMemcached({
  port: Number(process.env["PORT"] ?? "11211"),
  memoryMb: Number(process.env["MEMORY_MB"] ?? "64"),
  shards,
});
console.log(`memcached listening: tcp ${server.tcpPort}, ${server.shards} shards`);
