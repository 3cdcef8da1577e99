import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteRing } from "./byte-ring.ts";

function ring(size: number): ByteRing {
  const buffer = new ArrayBuffer(128 + size);
  return new ByteRing(
    new Int32Array(buffer),
    new Uint8Array(buffer),
    0,
    { head: 0, tail: 64, data: 128 },
    size,
  );
}

describe("ByteRing", () => {
  it("keeps order and content across many wrap-arounds with odd-sized pieces", () => {
    const r = ring(4096);
    const sent: number[] = [];
    const got: number[] = [];
    let next = 0;
    for (let round = 0; round < 2000; round++) {
      const piece = Uint8Array.from({ length: (round * 37) % 1500 }, () => next++ & 0xff);
      const n = r.write(piece);
      sent.push(...piece.subarray(0, n));
      next -= piece.length - n;
      const out = r.read((round * 53) % 1700);
      if (out) got.push(...out);
    }
    for (let out = r.read(4096); out; out = r.read(4096)) got.push(...out);
    assert.equal(got.length, sent.length);
    assert.deepEqual(got, sent);
  });

  it("accepts no more than its size and reports back-pressure as a short write", () => {
    const r = ring(4096);
    assert.equal(r.write(new Uint8Array(5000)), 4096);
    assert.equal(r.write(new Uint8Array(1)), 0);
    assert.equal(r.used(), 4096);
    assert.equal(r.read(100)?.length, 100);
    assert.equal(r.write(new Uint8Array(500)), 100);
  });

  it("returns undefined when empty", () => {
    assert.equal(ring(4096).read(10), undefined);
  });
});
