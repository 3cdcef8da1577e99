/**
 * First-fit allocation of cache-line-aligned extents in a fixed heap, with coalescing on free: registered
 * memory regions come and go for the life of a queue pair, and their space must come back.
 */
export class HeapAllocator {
  readonly #size: number;
  readonly #align: number;
  /** Free extents, sorted by start, never adjacent (they are merged). */
  readonly #free: { start: number; end: number }[];

  constructor(size: number, align: number) {
    this.#size = size;
    this.#align = align;
    this.#free = size > 0 ? [{ start: 0, end: size }] : [];
  }

  /** The start of an extent of at least length bytes (rounded up to the alignment), or -1 if none fits. */
  allocate(length: number): number {
    const want = this.#round(length);
    const index = this.#free.findIndex((extent) => extent.end - extent.start >= want);
    if (index < 0) return -1;
    const extent = this.#free[index]!;
    const start = extent.start;
    extent.start += want;
    if (extent.start === extent.end) this.#free.splice(index, 1);
    return start;
  }

  /** Returns the extent allocate(length) gave at start. */
  release(start: number, length: number): void {
    const end = start + this.#round(length);
    if (start < 0 || end > this.#size) throw new RangeError(`extent ${start}+${length} is outside the heap`);
    let index = this.#free.findIndex((extent) => extent.start >= end);
    if (index < 0) index = this.#free.length;
    const before = this.#free[index - 1];
    const after = this.#free[index];
    if ((before && before.end > start) || (after && after.start < end))
      throw new RangeError(`extent ${start}+${length} is already free`);
    if (before && before.end === start && after && after.start === end) {
      before.end = after.end;
      this.#free.splice(index, 1);
    } else if (before && before.end === start) before.end = end;
    else if (after && after.start === end) after.start = start;
    else this.#free.splice(index, 0, { start, end });
  }

  /** Bytes free in all, and in the largest single extent. */
  available(): { total: number; largest: number } {
    let total = 0;
    let largest = 0;
    for (const extent of this.#free) {
      total += extent.end - extent.start;
      largest = Math.max(largest, extent.end - extent.start);
    }
    return { total, largest };
  }

  #round(length: number): number {
    return Math.max(this.#align, Math.ceil(length / this.#align) * this.#align);
  }
}
