import { readFileSync, rmSync } from "node:fs";
import { BellListener, BellRinger, bellPath } from "./bell.ts";
import { ByteRing } from "./byte-ring.ts";
import { SLOT_STATE, slotOffsets } from "./region-layout.ts";
import type { ShmRegion } from "./shm-region.ts";

export type Side = 0 | 1;

export interface LivenessOptions {
  /** How often this side bumps its heartbeat counter, in ms. */
  readonly heartbeatMs?: number;
  /** A peer whose counter has not moved for this long is declared lost, in ms. */
  readonly deadAfterMs?: number;
}

const CONTROL = { state: 0, generation: 1, closes: 2 } as const;
/**
 * Words of a side's line: heartbeat counter, closed flag, the flag saying this side sleeps on its doorbell,
 * and the id of the kernel it runs on (word 2 is unused).
 */
const BEAT = { counter: 0, closed: 1, sleeping: 3, host: 4 } as const;

let hostIdCache: number | undefined;
/**
 * A non-zero 32-bit id of the running kernel (a hash of its boot id). A doorbell only reaches a peer on the
 * same kernel: two sides with equal ids are processes on one host (or in one guest); a guest and its host,
 * or two guests, differ, and keep polling.
 */
export function hostId(): number {
  if (hostIdCache !== undefined) return hostIdCache;
  let hash = 0x811c9dc5;
  try {
    for (const byte of readFileSync("/proc/sys/kernel/random/boot_id"))
      hash = Math.imul(hash ^ byte, 0x01000193);
  } catch {
    hash = 0; // no boot id: never use the doorbell
  }
  hostIdCache = hash === 0 ? 0 : hash | 1;
  return hostIdCache;
}

/**
 * One side of a connection slot: the ring it writes, the ring it reads, its heartbeat and close flag.
 * Side 0 is the connector, side 1 the listener. Liveness is a counter each side bumps while its event
 * loop runs; a counter that stops moving for deadAfterMs means the peer died or hangs (a SIGKILLed
 * process cannot say goodbye, and a VM has no pid to ask about).
 */
export class ShmChannel {
  readonly region: ShmRegion;
  readonly slot: number;
  readonly side: Side;
  readonly tx: ByteRing;
  readonly rx: ByteRing;
  readonly #words: Int32Array;
  readonly #control: number;
  readonly #mine: number;
  readonly #peer: number;
  readonly #heartbeatMs: number;
  readonly #deadAfterMs: number;
  #lastBeat = 0;
  #peerCounter = -1;
  #peerSeen = performance.now();
  #released = false;
  /** The connection's generation on the slot, which names its doorbells. */
  readonly #generation: number;
  #bell: BellListener | undefined;
  #bellFailed = false;
  #ringer: BellRinger | undefined;

  constructor(region: ShmRegion, slot: number, side: Side, options: LivenessOptions = {}) {
    this.region = region;
    this.slot = slot;
    this.side = side;
    const base = region.slotBase(slot);
    const off = slotOffsets(region.geometry);
    const size = region.geometry.ringSize;
    this.tx = new ByteRing(region.words, region.bytes, base, off.ring[side], size);
    this.rx = new ByteRing(region.words, region.bytes, base, off.ring[side === 0 ? 1 : 0], size);
    this.#words = region.words;
    this.#control = (base + off.control) / 4;
    this.#mine = (base + off.heartbeat[side]) / 4;
    this.#peer = (base + off.heartbeat[side === 0 ? 1 : 0]) / 4;
    this.#heartbeatMs = options.heartbeatMs ?? 50;
    this.#deadAfterMs = options.deadAfterMs ?? 2000;
    this.#generation = Atomics.load(this.#words, this.#control + CONTROL.generation);
    Atomics.store(this.#words, this.#mine + BEAT.host, hostId());
  }

  /** True when the peer runs on this kernel, so this side's doorbell can wake it (and back). */
  sameKernel(): boolean {
    const mine = hostId();
    return mine !== 0 && Atomics.load(this.#words, this.#peer + BEAT.host) === mine;
  }

  /**
   * Announces that this side sleeps until its doorbell rings (onRing) and makes sure the doorbell exists.
   * False when the peer cannot ring it (another kernel, or no FIFO could be made): poll instead.
   */
  arm(onRing: () => void): boolean {
    if (this.#bellFailed || !this.sameKernel()) return false;
    try {
      this.#bell ??= new BellListener(this.#bellPathOf(this.side));
    } catch {
      this.#bellFailed = true;
      return false;
    }
    this.#bell.onRing = onRing;
    Atomics.store(this.#words, this.#mine + BEAT.sleeping, 1);
    return true;
  }

  /** Withdraws the announcement: this side polls again. */
  disarm(): void {
    Atomics.store(this.#words, this.#mine + BEAT.sleeping, 0);
  }

  /**
   * Tells the peer that a ring or flag changed: rings its doorbell, only when the peer said it sleeps (and
   * shares this kernel). Returns true when a ring was sent.
   */
  ring(): boolean {
    if (Atomics.load(this.#words, this.#peer + BEAT.sleeping) === 0 || !this.sameKernel()) return false;
    this.#ringer ??= new BellRinger(this.#bellPathOf(this.side === 0 ? 1 : 0));
    return this.#ringer.ring();
  }

  #bellPathOf(side: Side): string {
    return bellPath(this.region.fileId, this.slot, this.#generation, side);
  }

  get deadAfterMs(): number {
    return this.#deadAfterMs;
  }

  /** Bumps this side's heartbeat if it is due. */
  beat(now: number): void {
    if (now - this.#lastBeat < this.#heartbeatMs) return;
    this.#lastBeat = now;
    Atomics.add(this.#words, this.#mine + BEAT.counter, 1);
  }

  /** False once the peer's heartbeat has stood still for deadAfterMs. */
  peerAlive(now: number): boolean {
    const counter = Atomics.load(this.#words, this.#peer + BEAT.counter);
    if (counter !== this.#peerCounter) {
      this.#peerCounter = counter;
      this.#peerSeen = now;
    }
    return now - this.#peerSeen < this.#deadAfterMs;
  }

  /** The peer finished writing: what is in rx is all there will be. */
  peerClosed(): boolean {
    return Atomics.load(this.#words, this.#peer + BEAT.closed) === 1;
  }

  /** Says "no more bytes from me" (after the last write reached the ring). */
  markClosed(): void {
    Atomics.store(this.#words, this.#mine + BEAT.closed, 1);
    this.ring();
  }

  /**
   * Gives up this side of the slot. The second side to leave (or a survivor whose peer is lost) frees the
   * slot for the next connection.
   */
  release(options: { peerLost: boolean }): void {
    if (this.#released) return;
    this.#released = true;
    this.markClosed();
    this.#bell?.close();
    this.#ringer?.close();
    // A lost peer cannot remove its own doorbell.
    if (options.peerLost) rmSync(this.#bellPathOf(this.side === 0 ? 1 : 0), { force: true });
    const leaving = Atomics.add(this.#words, this.#control + CONTROL.closes, 1) + 1;
    if (leaving >= 2 || options.peerLost)
      Atomics.store(this.#words, this.#control + CONTROL.state, SLOT_STATE.free);
  }
}

/** Words of a slot's control line, for the connector and listener handshakes. */
export function controlIndex(
  region: ShmRegion,
  slot: number,
): { state: number; generation: number; closes: number } {
  const base = (region.slotBase(slot) + slotOffsets(region.geometry).control) / 4;
  return {
    state: base + CONTROL.state,
    generation: base + CONTROL.generation,
    closes: base + CONTROL.closes,
  };
}

/** Clears a claimed slot's rings, heartbeats, close flags and memory tables for a fresh connection. */
export function resetSlot(region: ShmRegion, slot: number): void {
  const base = region.slotBase(slot);
  const off = slotOffsets(region.geometry);
  region.bytes.fill(0, base + off.heartbeat[0], base + off.ring[0].data);
  region.bytes.fill(0, base + off.ring[1].head, base + off.ring[1].data);
  region.bytes.fill(0, base + off.mrTable[0], base + off.heap[0]);
  region.bytes.fill(0, base + off.mrTable[1], base + off.heap[1]);
  Atomics.store(region.words, controlIndex(region, slot).closes, 0);
}
