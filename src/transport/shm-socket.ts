import { Duplex } from "node:stream";
import { MpmError } from "../errors/mpm-error.ts";
import { AdaptivePoller, type PollerOptions } from "./adaptive-poller.ts";
import type { ShmChannel } from "./shm-channel.ts";

/** Where a socket's ends are, as net.Socket reports them. */
export interface Endpoints {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

export interface ShmSocketOptions extends PollerOptions {
  readonly allowHalfOpen?: boolean;
}

interface PendingWrite {
  readonly chunk: Buffer;
  offset: number;
  readonly done: (error?: Error | null) => void;
}

/** Largest piece taken from the ring per push; 256 KiB keeps bulk transfers at few pushes per ring. */
const READ_CHUNK = 256 * 1024;

/**
 * A Duplex with net.Socket's interface whose bytes travel through a shared-memory channel. Writes complete
 * when the bytes are in the ring, so a full ring holds writes back (back-pressure through the usual
 * highWaterMark / 'drain'); reads stop when the consumer stops reading, which in turn fills the peer's ring.
 */
export class ShmSocket extends Duplex {
  connecting = true;
  bytesRead = 0;
  bytesWritten = 0;
  localAddress: string | undefined;
  localPort: number | undefined;
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  readonly remoteFamily = "IPv4";
  #channel: ShmChannel | undefined;
  #poller: AdaptivePoller | undefined;
  readonly #pollerOptions: PollerOptions;
  readonly #pending: PendingWrite[] = [];
  #final: ((error?: Error | null) => void) | undefined;
  #wantRead = false;
  #eof = false;
  #peerLost = false;
  #idleMs = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(options: ShmSocketOptions = {}) {
    super({ allowHalfOpen: options.allowHalfOpen ?? false });
    this.#pollerOptions = options;
  }

  /** Binds the socket to its channel once the slot handshake is done; emits 'connect' and 'ready'. */
  attach(channel: ShmChannel, ends: Endpoints): void {
    if (this.destroyed) {
      channel.release({ peerLost: false });
      return;
    }
    this.#channel = channel;
    Object.assign(this, ends);
    this.connecting = false;
    this.#poller = new AdaptivePoller(this.#step, this.#pollerOptions, channel);
    this.#poller.start();
    this.emit("connect");
    this.emit("ready");
  }

  /** The shared-memory channel under this socket, once connected (the verbs API reaches the slot's heaps). */
  get channel(): ShmChannel | undefined {
    return this.#channel;
  }

  /** Sleeps on the doorbell and how many a peer's ring ended (0 when polling, as over ivshmem). */
  get wakeups(): { waits: number; woken: number } {
    return { waits: this.#poller?.bellWaits ?? 0, woken: this.#poller?.bellWakeups ?? 0 };
  }

  get transport(): "shm" {
    return "shm";
  }

  address(): { address: string; family: string; port: number } | Record<string, never> {
    if (this.localAddress === undefined) return {};
    return { address: this.localAddress, family: "IPv4", port: this.localPort ?? 0 };
  }

  get readyState(): string {
    if (this.connecting) return "opening";
    if (this.readable && this.writable) return "open";
    if (this.readable) return "readOnly";
    return this.writable ? "writeOnly" : "closed";
  }

  // Shared memory has no Nagle, no keep-alive probes and no kernel handle to ref: accepted for compatibility.
  setNoDelay(_noDelay?: boolean): this {
    return this;
  }
  setKeepAlive(_enable?: boolean, _delay?: number): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  /** Emits 'timeout' after ms without traffic, as net.Socket does (0 turns it off). */
  setTimeout(ms: number, callback?: () => void): this {
    this.#idleMs = ms;
    if (callback) this.once("timeout", callback);
    this.#touch();
    return this;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    // Like net.Socket's direct write to the kernel: copy into the ring at once when nothing waits ahead,
    // so a bulk writer is not held to one chunk per event-loop turn.
    this.#pending.push({ chunk, offset: 0, done });
    const channel = this.#channel;
    if (channel && this.#pending.length === 1 && this.#flush(channel)) {
      channel.ring();
      this.#touch();
    }
    this.#poller?.kick();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.#final = done;
    this.#poller?.kick();
  }

  override _read(): void {
    this.#wantRead = true;
    this.#poller?.kick();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#poller?.stop();
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#channel?.release({ peerLost: this.#peerLost });
    for (const write of this.#pending.splice(0)) write.done(error ?? new Error("socket destroyed"));
    done(error);
  }

  #step = (): boolean => {
    const channel = this.#channel!;
    const now = performance.now();
    channel.beat(now);
    const wrote = this.#flush(channel);
    const read = this.#wantRead && !this.#eof ? this.#drain(channel) : false;
    // The peer may sleep waiting for these bytes (wrote) or for the room they left (read).
    if (wrote || read) {
      channel.ring();
      this.#touch();
    }
    // A peer that said goodbye may leave; only one we still wait for (or write to) must stay alive.
    const waiting = (!this.#eof && !channel.peerClosed()) || this.#pending.length > 0;
    if (waiting && !channel.peerAlive(now)) {
      this.#peerLost = true;
      this.destroy(
        new MpmError(
          "MPM_E_VRDMA_PEER_LOST",
          `peer on slot ${channel.slot} of ${channel.region.path} stopped`,
          {
            hint: `its heartbeat stood still for ${channel.deadAfterMs} ms: the peer process or guest died or hangs`,
            details: { path: channel.region.path, slot: channel.slot },
          },
        ),
      );
    }
    return wrote || read;
  };

  #flush(channel: ShmChannel): boolean {
    let moved = false;
    while (this.#pending.length > 0) {
      const write = this.#pending[0]!;
      const n = channel.tx.write(write.offset === 0 ? write.chunk : write.chunk.subarray(write.offset));
      if (n === 0 && write.chunk.length > 0) break;
      moved = true;
      write.offset += n;
      this.bytesWritten += n;
      if (write.offset < write.chunk.length) break;
      this.#pending.shift();
      write.done();
    }
    if (this.#final && this.#pending.length === 0) {
      channel.markClosed();
      const done = this.#final;
      this.#final = undefined;
      done();
    }
    return moved;
  }

  #drain(channel: ShmChannel): boolean {
    // Read the close flag before the ring: the peer sets it after its last bytes, so an empty ring seen
    // after the flag really is the end.
    const closed = channel.peerClosed();
    let moved = false;
    for (let data = channel.rx.read(READ_CHUNK); data; data = channel.rx.read(READ_CHUNK)) {
      moved = true;
      this.bytesRead += data.length;
      if (!this.push(data)) {
        this.#wantRead = false;
        return true;
      }
    }
    if (closed && channel.rx.used() === 0) {
      this.#eof = true;
      this.push(null);
    }
    return moved;
  }

  #touch(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#idleMs > 0 && !this.destroyed) {
      this.#idleTimer = setTimeout(() => this.emit("timeout"), this.#idleMs);
    }
  }
}
