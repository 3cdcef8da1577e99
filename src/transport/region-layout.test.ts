import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checkGeometry,
  DEFAULT_GEOMETRY,
  fitGeometry,
  LINE,
  regionSize,
  slotOffsets,
} from "./region-layout.ts";

describe("region layout", () => {
  it("puts every index on its own cache line", () => {
    const o = slotOffsets(DEFAULT_GEOMETRY);
    const lines = [
      o.heartbeat[0],
      o.heartbeat[1],
      o.ring[0].head,
      o.ring[0].tail,
      o.ring[1].head,
      o.ring[1].tail,
    ];
    for (const offset of lines) assert.equal(offset % LINE, 0);
    assert.equal(new Set(lines.map((x) => x / LINE)).size, lines.length);
  });

  it("shrinks rings and heaps to fit a 4 MiB ivshmem BAR", () => {
    const g = fitGeometry(DEFAULT_GEOMETRY, 4 << 20, "bar");
    assert.ok(regionSize(g) <= 4 << 20);
    assert.equal(g.slots, DEFAULT_GEOMETRY.slots);
    assert.equal(g.ringSize, 1 << 17); // 4 slots x (2 rings + 2 heaps) of 128 KiB, plus lines
  });

  it("refuses what cannot fit and names the bad field", () => {
    assert.throws(() => fitGeometry(DEFAULT_GEOMETRY, 10_000, "tiny"), { code: "MPM_E_VRDMA_REGION_SIZE" });
    assert.throws(() => checkGeometry({ ...DEFAULT_GEOMETRY, ringSize: 5000 }), /ringSize = 5000/);
  });
});
