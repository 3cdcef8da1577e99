/**
 * The smallest shard group: two shards, each with its own event loop, answer a message.
 *   node examples/shard/hello-shards.ts
 */
import { isMainThread } from "node:worker_threads";
import { registerHandler, ShardGroup, shard } from "../../src/shard/index.ts";

// Runs on every shard when it loads this module: the handler exists everywhere.
registerHandler("greet", (name: string) => `shard ${shard.id} of ${shard.count} greets ${name}`);

// main() runs on shard 0 once the group is up.
export async function main(): Promise<string[]> {
  const greetings = await shard.invokeOnAll<string, string>("greet", "you");
  // A function can travel too, if it uses only its argument.
  const squares = await shard.invokeOnAll((n: number) => n * n, 7);
  return [...greetings, `squares: ${squares.join(", ")}`];
}

if (isMainThread) {
  const group = await ShardGroup.start({ entry: import.meta.url, shards: 2 });
  try {
    for (const line of await group.runMain<string[]>()) console.log(line);
  } finally {
    await group.stop();
  }
}
