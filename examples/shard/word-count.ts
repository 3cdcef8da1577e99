/**
 * A sharded service: every shard owns the counts of the words that hash to it (share nothing), words are
 * sent to their home shard, and mapReduce gathers the totals.
 *   node examples/shard/word-count.ts
 */
import { isMainThread } from "node:worker_threads";
import { defineService, parallelForEach, Sharded, ShardGroup, shard } from "../../src/shard/index.ts";

class WordCounts {
  readonly counts = new Map<string, number>();
  add(word: string): void {
    this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
  }
  stop(): void {
    this.counts.clear();
  }
}

const wordCounts = defineService("word-counts", () => new WordCounts());

function home(word: string): number {
  let h = 0;
  for (const c of word) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % shard.count;
}

export async function main(text: string) {
  const service = await Sharded.start(wordCounts);
  const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
  await parallelForEach(words, (w) => service.invokeOn(home(w), (s, word: string) => s.add(word), w));
  const distinct = await service.mapReduce(
    (s) => s.counts.size,
    (a: number, b: number) => a + b,
    0,
  );
  const perShard = await service.invokeOnAll((s) => s.counts.size);
  const the = await service.invokeOn(home("the"), (s) => s.counts.get("the") ?? 0);
  await service.stop();
  return { words: words.length, distinct, perShard, the };
}

if (isMainThread) {
  const group = await ShardGroup.start({ entry: import.meta.url, shards: 2 });
  try {
    const text = "The quick brown fox jumps over the lazy dog; the dog sleeps and the fox runs.";
    const r = await group.runMain<Awaited<ReturnType<typeof main>>>(text);
    console.log(
      `words ${r.words}, distinct ${r.distinct}, per shard ${r.perShard.join("+")}, "the" x${r.the}`,
    );
  } finally {
    await group.stop();
  }
}
