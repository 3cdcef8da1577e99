import assert from "node:assert/strict";
import { test } from "node:test";
import { Future, Promised } from "../shard/future.ts";
import { ReplySink } from "./reply-sink.ts";

function sinkWithOutput(): { sink: ReplySink; written: () => string } {
  const out: Uint8Array[] = [];
  const sink = new ReplySink(
    (chunks) => out.push(...chunks),
    () => {},
  );
  return { sink, written: () => Buffer.concat(out).toString("latin1") };
}

test("replies leave in request order, also when a later one is ready first", () => {
  const { sink, written } = sinkWithOutput();
  const remote = new Promised<readonly Uint8Array[]>();
  sink.add(remote.future);
  sink.add([Buffer.from("B\r\n")]);
  sink.flush();
  assert.equal(written(), "");
  remote.resolve([Buffer.from("A\r\n")]);
  assert.equal(written(), "A\r\nB\r\n");
});

test("a failed reply is answered with SERVER_ERROR, whether it failed before or after it was added", () => {
  const { sink, written } = sinkWithOutput();
  sink.add(Future.failed(new Error("formatting threw")));
  const remote = new Promised<readonly Uint8Array[]>();
  sink.add(remote.future);
  remote.reject(new Error("shard stopped"));
  sink.flush();
  assert.equal(written(), "SERVER_ERROR shard unavailable\r\nSERVER_ERROR shard unavailable\r\n");
});
