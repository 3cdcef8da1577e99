import { existsSync, rmSync, statSync } from "node:fs";
import { MpmError } from "../errors/mpm-error.ts";
import { removeAllBells } from "./bell.ts";
import { shmAddon } from "./native/shm-addon.ts";
import {
  checkGeometry,
  DEFAULT_GEOMETRY,
  fitGeometry,
  type Geometry,
  HEADER,
  HEADER_SIZE,
  LAYOUT_VERSION,
  MAGIC,
  regionSize,
  slotSize,
} from "./region-layout.ts";

/**
 * A mapped shared-memory region: a file under /dev/shm shared by processes, or an ivshmem BAR
 * (/sys/bus/pci/devices/<bdf>/resource2 in a guest, the backing /dev/shm file on the host).
 */
export class ShmRegion {
  readonly path: string;
  readonly geometry: Geometry;
  readonly words: Int32Array;
  readonly bytes: Uint8Array;
  readonly slotSize: number;
  /** The mapping itself (empty once unmapped). */
  readonly #buffer: ArrayBuffer;

  /**
   * The mapped file's device and inode ("<dev>-<ino>"), read when it was mapped: alike for every process on
   * this kernel that maps it, whatever path it used, and still known after the file is removed.
   */
  readonly fileId: string;

  private constructor(path: string, buffer: ArrayBuffer, geometry: Geometry) {
    this.fileId = regionFileId(path);
    this.path = path;
    this.#buffer = buffer;
    this.words = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    this.geometry = geometry;
    this.slotSize = slotSize(geometry);
  }

  /**
   * Lays out a region for a listener. A missing file is created at the size the geometry needs; an existing
   * one (an ivshmem backing file, a BAR) keeps its size and the rings shrink to fit. A region that holds
   * something other than a blank page or an earlier layout of ours is refused, never overwritten.
   */
  static format(path: string, wanted: Partial<Geometry> = {}): ShmRegion {
    const asked = { ...DEFAULT_GEOMETRY, ...wanted };
    checkGeometry(asked);
    const existing = existsSync(path) ? statSync(path).size : 0;
    const buffer = mapRegion(path, existing > 0 ? 0 : regionSize(asked), existing === 0);
    const head = new Uint8Array(buffer, 0, Math.min(buffer.byteLength, 8));
    if (head.some((b) => b !== 0)) checkHeader(path, buffer);
    const geometry = existing > 0 ? fitGeometry(asked, existing, path) : asked;
    new Uint8Array(buffer, 0, regionSize(geometry)).fill(0);
    const region = new ShmRegion(path, buffer, geometry);
    const w = region.words;
    w[HEADER.version] = LAYOUT_VERSION;
    w[HEADER.slots] = geometry.slots;
    w[HEADER.ringSize] = geometry.ringSize;
    w[HEADER.heapSize] = geometry.heapSize;
    w[HEADER.mrEntries] = geometry.mrEntries;
    w[HEADER.slotSize] = region.slotSize;
    w[HEADER.regionSize] = regionSize(geometry);
    w[HEADER.magic1] = MAGIC[1];
    // The first magic word is stored last: a connector that sees it sees a complete header.
    Atomics.store(w, HEADER.magic0, MAGIC[0]);
    return region;
  }

  /** Maps a region a listener laid out, refusing a wrong magic or version. */
  static open(path: string): ShmRegion {
    if (!existsSync(path)) {
      throw new MpmError("MPM_E_VRDMA_NO_LISTENER", `shared-memory region ${path} does not exist`, {
        hint: "start the listener first (it creates the region), or fix the route table entry",
        details: { path },
      });
    }
    const buffer = mapRegion(path, 0, false);
    const geometry = checkHeader(path, buffer);
    return new ShmRegion(path, buffer, geometry);
  }

  slotBase(slot: number): number {
    return HEADER_SIZE + slot * this.slotSize;
  }

  /** Unmaps the region; views taken from it become detached and unusable. */
  close(): void {
    if (this.#buffer.byteLength > 0) shmAddon().unmap(this.#buffer);
  }
}

function mapRegion(path: string, size: number, create: boolean): ArrayBuffer {
  try {
    return shmAddon().map(path, size, create);
  } catch (cause) {
    if (cause instanceof MpmError) throw cause;
    throw new MpmError("MPM_E_VRDMA_MAP", `cannot map ${path}: ${(cause as Error).message}`, {
      cause,
      hint: "check that the path exists and is readable and writable (in a guest: the ivshmem resource2 file)",
      details: { path },
    });
  }
}

function checkHeader(path: string, buffer: ArrayBuffer): Geometry {
  if (buffer.byteLength < HEADER_SIZE) {
    throw new MpmError(
      "MPM_E_VRDMA_BAD_MAGIC",
      `${path} is too small (${buffer.byteLength} bytes) for a region`,
      {
        details: { path },
      },
    );
  }
  const w = new Int32Array(buffer, 0, HEADER_SIZE / 4);
  if (Atomics.load(w, HEADER.magic0) !== MAGIC[0] || w[HEADER.magic1] !== MAGIC[1]) {
    const found = Buffer.from(buffer, 0, 8).toString("hex");
    throw new MpmError(
      "MPM_E_VRDMA_BAD_MAGIC",
      `${path} does not start with the magic MPMVRDMA (found ${found})`,
      {
        hint: "the file is not a transport region, or its listener has not laid it out yet; remove it if it is stale",
        details: { path, found },
      },
    );
  }
  if (w[HEADER.version] !== LAYOUT_VERSION) {
    throw new MpmError(
      "MPM_E_VRDMA_BAD_VERSION",
      `${path} has layout version ${w[HEADER.version]}, this transport speaks ${LAYOUT_VERSION}`,
      { hint: "run the same mpm version on both sides", details: { path, version: w[HEADER.version] } },
    );
  }
  const geometry: Geometry = {
    slots: w[HEADER.slots]!,
    ringSize: w[HEADER.ringSize]!,
    heapSize: w[HEADER.heapSize]!,
    mrEntries: w[HEADER.mrEntries]!,
  };
  if (regionSize(geometry) > buffer.byteLength || w[HEADER.slotSize] !== slotSize(geometry)) {
    throw new MpmError("MPM_E_VRDMA_BAD_VERSION", `${path}: the header's sizes do not match the region`, {
      details: { path, geometry },
    });
  }
  return geometry;
}

/** A region file's device and inode as "<dev>-<ino>" (see ShmRegion.fileId). */
export function regionFileId(path: string): string {
  const { dev, ino } = statSync(path);
  return `${dev}-${ino}`;
}

/**
 * Removes a region file with the doorbells named after it (those a killed peer could not remove); a missing
 * file is fine. Only for a region no live connection uses any more.
 */
export function removeRegion(path: string): void {
  if (!existsSync(path)) return;
  removeAllBells(regionFileId(path));
  rmSync(path, { force: true });
}
