import { MpmError } from "../errors/mpm-error.ts";
import { decodeEnvelope, type Envelope, encodeEnvelope, type RemoteErrorShape } from "./envelope.ts";
import { Future, Promised } from "./future.ts";
import { compiledHandler, type Handler, namedHandler, sourceOf } from "./handler-registry.ts";
import { SpscRing } from "./spsc-ring.ts";
import type { Topology } from "./topology.ts";

/** Longest an idle shard sleeps before looking at its rings again, even without a doorbell ring. */
const IDLE_RECHECK_MS = 50;

/** Messages handled per incoming ring before yielding to the event loop (keeps sockets served under load). */
const DRAIN_BATCH = 512;

interface Outbox {
  ring: SpscRing;
  /** Messages that did not fit, from index backlogHead on; the first may be partly written (backlogOffset). */
  backlog: Uint8Array[];
  backlogHead: number;
  backlogOffset: number;
  dirty: boolean;
}

/** Counters every shard keeps about its message traffic. */
export interface TrafficStats {
  sent: number;
  received: number;
  backlogged: number;
  wakeups: number;
}

/**
 * One participant of a shard group: its rings, its doorbell and its outstanding calls. There is one per
 * thread; shards use it for submitTo and friends, the controller (index = shard count) to drive the group.
 */
export class ShardRuntime {
  readonly id: number;
  readonly count: number;
  readonly traffic: TrafficStats = { sent: 0, received: 0, backlogged: 0, wakeups: 0 };
  private readonly outboxes: Outbox[];
  private readonly inbound: SpscRing[];
  private readonly doorbells: Int32Array;
  private readonly pending = new Map<number, Promised<unknown>>();
  private nextCallId = 1;
  private flushQueued = false;
  private drainQueued = false;
  private stopped = false;

  constructor(topology: Topology, id: number) {
    this.id = id;
    this.count = topology.shards;
    const participants = topology.shards + 1;
    this.doorbells = new Int32Array(topology.doorbells);
    this.outboxes = [];
    this.inbound = [];
    for (let j = 0; j < participants; j++) {
      this.outboxes.push({
        ring: new SpscRing(topology.rings[id]![j]!),
        backlog: [],
        backlogHead: 0,
        backlogOffset: 0,
        dirty: false,
      });
      this.inbound.push(new SpscRing(topology.rings[j]![id]!));
    }
  }

  /** Starts consuming incoming messages. */
  start(): void {
    this.scheduleDrain();
  }

  /** Stops consuming; outstanding calls to this participant will not be answered. */
  stop(): void {
    this.stopped = true;
    Atomics.add(this.doorbells, this.id, 1);
    Atomics.notify(this.doorbells, this.id);
  }

  /** Runs a named handler, or a closure-free function, on shard `target` with `arg`; resolves with its result. */
  call<R>(target: number, handler: string | ((arg: never) => unknown), arg: unknown): Future<R> {
    if (!Number.isInteger(target) || target < 0 || target > this.count) {
      return Future.failed(
        new MpmError(
          "MPM_E_SHARD_INDEX",
          `shard ${target} does not exist (this group has ${this.count} shards)`,
          {
            hint: `use an index from 0 to ${this.count - 1}`,
          },
        ),
      );
    }
    const id = this.nextCallId++;
    const reply = new Promised<R>();
    this.pending.set(id, reply as Promised<unknown>);
    const source = typeof handler === "function";
    const name = source ? sourceOf(handler) : handler;
    this.send(target, encodeEnvelope({ type: "call", id, handler: name, source, arg }));
    return reply.future;
  }

  private send(target: number, message: Uint8Array): void {
    const box = this.outboxes[target]!;
    this.traffic.sent++;
    if (box.backlog.length === 0) {
      const written = this.writeOrRequestSpace(box.ring, message, 0);
      if (written < message.length) {
        box.backlog.push(copyOf(message));
        box.backlogOffset = written;
        this.traffic.backlogged++;
      }
    } else {
      box.backlog.push(copyOf(message));
      this.traffic.backlogged++;
    }
    box.dirty = true;
    if (!this.flushQueued) {
      // Batching: everything sent in this turn costs one doorbell ring per target.
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushQueued = false;
    for (let j = 0; j < this.outboxes.length; j++) {
      const box = this.outboxes[j]!;
      if (!box.dirty) continue;
      box.dirty = false;
      Atomics.add(this.doorbells, j, 1);
      Atomics.notify(this.doorbells, j);
    }
  }

  /**
   * Writes what fits; when the ring is full, asks the consumer for a doorbell ring and tries once more, so
   * space freed between the failed write and the request is not missed (the consumer checks the request
   * only after it has consumed).
   */
  private writeOrRequestSpace(ring: SpscRing, message: Uint8Array, offset: number): number {
    const written = ring.write(message, offset);
    if (written === message.length) return written;
    ring.requestSpace();
    return ring.write(message, written);
  }

  /** Back-pressure: retries backlogged messages once their consumer freed space; true if any progressed. */
  private retryBacklogs(): boolean {
    let progressed = false;
    for (let j = 0; j < this.outboxes.length; j++) {
      const box = this.outboxes[j]!;
      while (box.backlogHead < box.backlog.length) {
        const message = box.backlog[box.backlogHead]!;
        const before = box.backlogOffset;
        box.backlogOffset = this.writeOrRequestSpace(box.ring, message, box.backlogOffset);
        if (box.backlogOffset !== before) {
          progressed = true;
          box.dirty = true;
        }
        if (box.backlogOffset < message.length) break;
        box.backlogHead++;
        box.backlogOffset = 0;
      }
      if (box.backlogHead === box.backlog.length) {
        box.backlog = [];
        box.backlogHead = 0;
      } else if (box.backlogHead >= 1024 && box.backlogHead * 2 >= box.backlog.length) {
        // A backlog that never empties (sustained overload) must not keep every message it ever sent.
        box.backlog = box.backlog.slice(box.backlogHead);
        box.backlogHead = 0;
      }
    }
    this.flush();
    return progressed;
  }

  /** Messages waiting in local backlogs because a target's ring was full. */
  backlogSize(): number {
    let n = 0;
    for (const box of this.outboxes) n += box.backlog.length - box.backlogHead;
    return n;
  }

  private scheduleDrain(): void {
    if (this.drainQueued || this.stopped) return;
    this.drainQueued = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.drainQueued = false;
    if (this.stopped) return;
    let more = false;
    for (let j = 0; j < this.inbound.length; j++) {
      const ring = this.inbound[j]!;
      let n = 0;
      for (; n < DRAIN_BATCH; n++) {
        const message = ring.read();
        if (message === undefined) break;
        this.traffic.received++;
        this.dispatch(j, decodeEnvelope(message));
      }
      if (n === DRAIN_BATCH) more = true;
      // Frames of a large message may have been consumed without completing it, so always check.
      if (ring.takeSpaceRequest()) {
        Atomics.add(this.doorbells, j, 1);
        Atomics.notify(this.doorbells, j);
      }
    }
    if (this.backlogSize() > 0) this.retryBacklogs();
    if (more) this.scheduleDrain();
    else this.sleep();
  }

  private sleep(): void {
    const seen = Atomics.load(this.doorbells, this.id);
    // A message that arrived between the drain and the load above is caught here rather than lost.
    for (const ring of this.inbound) {
      if (!ring.isEmpty()) {
        this.scheduleDrain();
        return;
      }
    }
    // Space freed (and rung for) before `seen` was read would be missed: retry after reading it.
    if (this.backlogSize() > 0 && this.retryBacklogs()) {
      this.scheduleDrain();
      return;
    }
    // The timeout is only a safety net against a missed doorbell; none is known.
    const wait = waitAsync(this.doorbells, this.id, seen, IDLE_RECHECK_MS);
    if (wait.async) {
      (wait.value as Promise<unknown>).then(() => {
        this.traffic.wakeups++;
        // Drain right here rather than one more loop turn later: a wake-up is the latency of a message.
        if (!this.drainQueued) this.drain();
      });
    } else this.scheduleDrain();
  }

  private dispatch(from: number, e: Envelope): void {
    if (e.type === "call") {
      this.runCall(from, e.id, e.handler, e.source, e.arg);
      return;
    }
    const waiter = this.pending.get(e.id);
    if (waiter === undefined) return;
    this.pending.delete(e.id);
    if (e.type === "reply") waiter.resolve(e.value);
    else waiter.reject(remoteError(e.error));
  }

  private runCall(from: number, id: number, handler: string, source: boolean, arg: unknown): void {
    const result = Future.invoke(() => {
      const fn: Handler | undefined = source ? compiledHandler(handler) : namedHandler(handler);
      if (fn === undefined) {
        throw new MpmError(
          "MPM_E_SHARD_NO_HANDLER",
          `no handler "${handler}" is registered on shard ${this.id}`,
          {
            hint: "register it with registerHandler() at the top level of a module every shard loads",
          },
        );
      }
      return (fn as (a: unknown) => unknown)(arg);
    });
    result.then(
      (value) => this.reply(from, id, value),
      (error) => this.send(from, encodeEnvelope({ type: "error", id, error: errorShape(error) })),
    );
  }

  private reply(to: number, id: number, value: unknown): void {
    let message: Uint8Array;
    try {
      message = encodeEnvelope({ type: "reply", id, value });
    } catch (error) {
      // A result that cannot be cloned (a function, a socket) becomes the caller's error, not a lost reply.
      message = encodeEnvelope({ type: "error", id, error: errorShape(error) });
    }
    this.send(to, message);
  }
}

/**
 * The encoder reuses its buffer, so a message that waits needs its own bytes. Not `message.slice()`: the
 * encoder returns a Buffer, whose slice is a view; every waiting message then read as the last one encoded.
 */
function copyOf(message: Uint8Array): Uint8Array {
  return new Uint8Array(message);
}

/** Atomics.waitAsync (ES2024; the project's type library is ES2023). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      i: number,
      v: number,
      timeoutMs: number,
    ): { async: boolean; value: Promise<unknown> | string };
  }
).waitAsync;

function errorShape(error: unknown): RemoteErrorShape {
  if (error instanceof MpmError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

function remoteError(shape: RemoteErrorShape): Error {
  if (shape.code !== undefined && shape.code !== "MPM_E_SHARD_REMOTE") {
    return new MpmError(shape.code as "MPM_E_SHARD_REMOTE", shape.message);
  }
  return new MpmError("MPM_E_SHARD_REMOTE", `${shape.name}: ${shape.message}`);
}
