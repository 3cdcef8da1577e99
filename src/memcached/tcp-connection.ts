import type { Socket } from "node:net";
import { BinaryProtocol } from "./binary-protocol.ts";
import type { ConnectionStats } from "./connection-stats.ts";
import type { ConnectionControl, ProtocolContext } from "./protocol-context.ts";
import { ReplySink } from "./reply-sink.ts";
import { TextProtocol } from "./text-protocol.ts";

/** Replies waiting for other shards before this connection stops reading: with 100 kB values, 1024 let a
 * non-reading client grow the server by 700 MiB (replies in flight in rings and serializer copies). */
const MAX_PENDING_REPLIES = 64;
/** Unsent reply bytes before this connection stops reading: a client that does not read is not buffered for. */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

/**
 * One client connection, on the shard that accepted it. The first byte picks the protocol (0x80 = binary,
 * like memcached's auto-negotiation). Reading pauses while the client is slow to read its replies or too
 * many replies wait for other shards, so one client can neither exhaust memory nor starve the others.
 */
export class TcpConnection implements ConnectionControl {
  private readonly socket: Socket;
  private readonly ctx: ProtocolContext;
  private readonly stats: ConnectionStats;
  private readonly sink: ReplySink;
  private protocol: TextProtocol | BinaryProtocol | undefined;
  private input: Buffer | undefined;
  private closing = false;
  private paused = false;

  constructor(socket: Socket, ctx: ProtocolContext, stats: ConnectionStats) {
    this.socket = socket;
    this.ctx = ctx;
    this.stats = stats;
    this.sink = new ReplySink(
      (chunks) => this.write(chunks),
      () => this.socket.end(),
    );
    this.sink.onRelease = () => this.pump();
    stats.curr_connections++;
    stats.total_connections++;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("drain", () => this.pump());
    // A vanished client is a normal event: drop its state, never the shard.
    socket.on("error", () => socket.destroy());
    socket.once("close", () => {
      this.closing = true;
      stats.curr_connections--;
      this.input = undefined;
    });
  }

  saturated(): boolean {
    return (
      this.closing ||
      this.sink.closeRequested ||
      this.sink.pending >= MAX_PENDING_REPLIES ||
      this.socket.writableLength > MAX_UNSENT_BYTES
    );
  }

  closeNow(): void {
    this.closing = true;
    this.socket.destroy();
  }

  private write(chunks: Uint8Array[]): void {
    if (this.closing) return;
    if (chunks.length === 1) {
      this.stats.bytes_written += chunks[0]!.length;
      this.socket.write(chunks[0]!);
      return;
    }
    // Many small replies go out as one writev; large values are not copied into a joined buffer.
    this.socket.cork();
    for (const c of chunks) {
      this.stats.bytes_written += c.length;
      this.socket.write(c);
    }
    this.socket.uncork();
  }

  private onData(chunk: Buffer): void {
    this.stats.bytes_read += chunk.length;
    this.input = this.input === undefined ? chunk : Buffer.concat([this.input, chunk]);
    this.pump();
  }

  /** Handles buffered requests, writes what is ready and decides whether to keep reading. */
  private pump(): void {
    if (this.closing) return;
    const input = this.input;
    if (input !== undefined && input.length > 0) {
      this.protocol ??=
        input[0] === 0x80
          ? new BinaryProtocol(this.ctx, this.sink, this)
          : new TextProtocol(this.ctx, this.sink, this);
      let used: number;
      try {
        used = this.protocol.process(input, 0);
      } catch (error) {
        // A request the parser fails on ends its own connection, not the shard and every client on it.
        process.stderr.write(`mpm memcached: closed a connection after an internal error: ${error}\n`);
        this.closeNow();
        return;
      }
      this.input = used >= input.length ? undefined : input.subarray(used);
    }
    this.sink.flush();
    if (this.closing) return;
    const stop = this.saturated();
    if (stop && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!stop && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
