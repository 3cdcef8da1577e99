import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeFrame, FRAME, FrameReader, field } from "./verbs-frames.ts";

describe("FrameReader", () => {
  it("reassembles frames split at every byte boundary", () => {
    const stream = Buffer.concat([
      encodeFrame(FRAME.send, [], Buffer.from("hello")),
      encodeFrame(FRAME.readRequest, [7, 0xdeadbeef, 12, 34]),
      encodeFrame(FRAME.send, [], Buffer.alloc(0)),
    ]);
    const reader = new FrameReader();
    const frames = [...stream].flatMap((byte) => reader.feed(Buffer.from([byte])));
    assert.deepEqual(
      frames.map((f) => f.type),
      [FRAME.send, FRAME.readRequest, FRAME.send],
    );
    assert.equal(frames[0]!.body.toString(), "hello");
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => field(frames[1]!, i)),
      [7, 0xdeadbeef, 12, 34],
    );
    assert.equal(frames[2]!.body.length, 0);
  });

  it("refuses an unknown frame type as a protocol error", () => {
    assert.throws(() => new FrameReader().feed(Buffer.from([99, 0, 0, 0, 0])), {
      code: "MPM_E_VRDMA_PROTOCOL",
    });
  });
});
