import assert from "node:assert/strict";
import { test } from "node:test";
import { HeapAllocator } from "./heap-allocator.ts";

test("allocations are aligned, first fit, and fail when nothing fits", () => {
  const heap = new HeapAllocator(1024, 64);
  assert.equal(heap.allocate(1), 0);
  assert.equal(heap.allocate(100), 64);
  assert.equal(heap.allocate(64), 192);
  assert.equal(heap.allocate(800), -1);
  assert.deepEqual(heap.available(), { total: 768, largest: 768 });
});

test("freed extents are reused and merged with their neighbours", () => {
  const heap = new HeapAllocator(1024, 64);
  const a = heap.allocate(256);
  const b = heap.allocate(256);
  const c = heap.allocate(256);
  heap.release(b, 256);
  assert.equal(heap.allocate(128), b, "first fit takes the hole");
  heap.release(b, 128);
  heap.release(a, 256);
  heap.release(c, 256);
  assert.deepEqual(heap.available(), { total: 1024, largest: 1024 }, "everything merged back");
  assert.equal(heap.allocate(1024), 0);
});

test("a double or out-of-range release is refused, leaving the free list intact", () => {
  const heap = new HeapAllocator(512, 64);
  const a = heap.allocate(64);
  heap.release(a, 64);
  assert.throws(() => heap.release(a, 64), /already free/);
  assert.throws(() => heap.release(448, 128), /outside the heap/);
  assert.deepEqual(heap.available(), { total: 512, largest: 512 });
});
