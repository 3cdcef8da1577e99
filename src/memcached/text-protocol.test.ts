import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ItemStore } from "./item-store.ts";
import { KeyRouter } from "./key-router.ts";
import { MemcachedClock } from "./memcached-clock.ts";
import type { ProtocolContext } from "./protocol-context.ts";
import { ReplySink } from "./reply-sink.ts";
import { TextProtocol } from "./text-protocol.ts";

/** One connection of a single-shard server, in process: buffers input across chunks as TcpConnection does. */
function session(): { feed(chunk: Buffer): void; output(): string } {
  const store = new ItemStore(64 * 1024 * 1024);
  const clock = new MemcachedClock(Math.floor(Date.now() / 1000));
  const ctx: ProtocolContext = {
    router: new KeyRouter(store, clock, 0, 1),
    clock,
    itemSizeMax: 1024 * 1024,
    counters: store.counters,
    stats: () => undefined,
    resetStats: () => {},
  };
  const written: Uint8Array[] = [];
  const sink = new ReplySink(
    (chunks) => written.push(...chunks),
    () => {},
  );
  const protocol = new TextProtocol(ctx, sink, { saturated: () => false, closeNow: () => {} });
  let input: Buffer | undefined;
  return {
    feed(chunk) {
      input = input === undefined ? chunk : Buffer.concat([input, chunk]);
      const used = protocol.process(input, 0);
      input = used >= input.length ? undefined : input.subarray(used);
      sink.flush();
    },
    output: () => Buffer.concat(written).toString("latin1"),
  };
}

// Values holding CRLF and NUL, noreply stores, multi-key and single-key gets, an in-place decr and an
// append seen through a get, a re-set with new flags, and a line with extra spaces, all pipelined.
const SCRIPT = Buffer.from(
  "set bin 5 0 6\r\na\r\n\0\r\n\r\nget bin\r\nset q 0 0 1 noreply\r\nx\r\nget q bin nope\r\n" +
    "set n 0 0 3\r\n100\r\ndecr n 1\r\nget n\r\nappend n 0 0 2 noreply\r\n\r\n\r\nget n\r\ngets q\r\n" +
    "delete q noreply\r\nget q\r\nset n 7 0 1\r\n5\r\nget  n \r\nmn\r\n",
  "latin1",
);
// What Debian's memcached 1.6.18 answers to SCRIPT.
const EXPECTED =
  "STORED\r\nVALUE bin 5 6\r\na\r\n\0\r\n\r\nEND\r\nVALUE q 0 1\r\nx\r\nVALUE bin 5 6\r\na\r\n\0\r\n\r\nEND\r\n" +
  "STORED\r\n99\r\nVALUE n 0 3\r\n99 \r\nEND\r\nVALUE n 0 5\r\n99 \r\n\r\nEND\r\nVALUE q 0 1 2\r\nx\r\nEND\r\n" +
  "END\r\nSTORED\r\nVALUE n 7 1\r\n5\r\nEND\r\nMN\r\n";

describe("TextProtocol", () => {
  it("answers pipelined requests in one chunk like memcached", () => {
    const s = session();
    s.feed(SCRIPT);
    assert.equal(s.output(), EXPECTED);
  });

  it("gives the same answers when the requests are split in two at any byte", () => {
    for (let at = 1; at < SCRIPT.length; at++) {
      const s = session();
      s.feed(SCRIPT.subarray(0, at));
      s.feed(SCRIPT.subarray(at));
      assert.equal(s.output(), EXPECTED, `split at byte ${at}`);
    }
  });

  it("gives the same answers when the requests arrive one byte at a time", () => {
    const s = session();
    for (let i = 0; i < SCRIPT.length; i++) s.feed(SCRIPT.subarray(i, i + 1));
    assert.equal(s.output(), EXPECTED);
  });

  it("does not let a later request change a get reply already produced", () => {
    const s = session();
    s.feed(Buffer.from("set n 0 0 2\r\n10\r\nget n\r\nincr n 5\r\nget n\r\n"));
    assert.equal(s.output(), "STORED\r\nVALUE n 0 2\r\n10\r\nEND\r\n15\r\nVALUE n 0 2\r\n15\r\nEND\r\n");
  });
});
