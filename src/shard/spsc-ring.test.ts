import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRingBuffer, SpscRing } from "./spsc-ring.ts";

function pattern(n: number, seed: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = (i * 7 + seed) & 255;
  return a;
}

describe("SpscRing", () => {
  it("passes messages in order across many wrap-arounds", () => {
    const ring = new SpscRing(createRingBuffer(4096));
    for (let i = 0; i < 2000; i++) {
      const msg = pattern(1 + ((i * 37) % 700), i);
      assert.equal(ring.write(msg, 0), msg.length);
      assert.deepEqual(ring.read(), msg);
    }
    assert.equal(ring.read(), undefined);
    assert.equal(ring.isEmpty(), true);
  });

  it("cuts a message larger than the ring into frames and reassembles it", () => {
    const ring = new SpscRing(createRingBuffer(4096));
    const msg = pattern(50_000, 3);
    let offset = 0;
    let got: Uint8Array | undefined;
    for (let rounds = 0; got === undefined && rounds < 1000; rounds++) {
      offset = ring.write(msg, offset);
      got = ring.read();
    }
    assert.equal(offset, msg.length);
    assert.deepEqual(new Uint8Array(got!), msg);
  });

  it("refuses writes when full and accepts them once the consumer read", () => {
    const ring = new SpscRing(createRingBuffer(1024));
    const msg = pattern(200, 1);
    let accepted = 0;
    while (ring.write(msg, 0) === msg.length) accepted++;
    assert.ok(accepted >= 3 && accepted <= 5, `accepted ${accepted}`);
    ring.read();
    assert.equal(ring.write(msg, 0), msg.length);
  });

  it("hands a space request to the consumer exactly once", () => {
    const ring = new SpscRing(createRingBuffer(1024));
    assert.equal(ring.takeSpaceRequest(), false);
    ring.requestSpace();
    assert.equal(ring.takeSpaceRequest(), true);
    assert.equal(ring.takeSpaceRequest(), false);
  });

  it("rejects capacities that are not powers of two", () => {
    assert.throws(() => createRingBuffer(3000), RangeError);
  });
});
