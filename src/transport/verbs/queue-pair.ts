import { EventEmitter } from "node:events";
import { MpmError, toMpmError } from "../../errors/mpm-error.ts";
import type { Socket } from "../connect.ts";
import { ShmSocket } from "../shm-socket.ts";
import { CompletionQueue, type CompletionStatus, type Opcode } from "./completion-queue.ts";
import type { Access, MemoryRegion } from "./memory-region.ts";
import { ShmMemory } from "./shm-memory.ts";
import { TcpMemory } from "./tcp-memory.ts";
import { encodeFrame, FRAME, type Frame, FrameReader, field } from "./verbs-frames.ts";

/** A two-sided work request: send from, or receive into, part of a registered region. */
export interface WorkRequest {
  readonly wrId: number;
  readonly mr: MemoryRegion;
  readonly offset?: number;
  readonly length?: number;
}

/** A one-sided work request: also names the peer's region (its rkey) and where in it. */
export interface RdmaRequest extends WorkRequest {
  readonly rkey: number;
  readonly remoteOffset?: number;
}

interface Outstanding {
  readonly wrId: number;
  readonly opcode: Opcode;
  readonly target: Uint8Array;
}

/** Receives that arrived before a receive was posted; past this many the connection stops being read. */
const UNMATCHED_LIMIT = 64;
const STATUS_CODES: readonly CompletionStatus[] = ["success", "remoteAccessError", "remoteInvalidRequest"];

/**
 * A reliable connected queue pair. Sends and receives travel as frames on the connection. One-sided writes
 * and reads are memory copies into and out of the peer's registered region when the connection is shared
 * memory (no peer involvement); over TCP they are frames that the peer's library carries out and answers.
 * Every request ends as one completion in `cq`, polled by the application.
 */
export class QueuePair extends EventEmitter<{ close: []; error: [MpmError] }> {
  readonly cq = new CompletionQueue();
  readonly transport: "shm" | "tcp";
  readonly #socket: Socket;
  readonly #shm: ShmMemory | undefined;
  readonly #tcp = new TcpMemory();
  readonly #reader = new FrameReader();
  readonly #receives: WorkRequest[] = [];
  readonly #unmatched: Buffer[] = [];
  readonly #outstanding = new Map<number, Outstanding>();
  #nextRequest = 1;
  #closed = false;

  constructor(socket: Socket) {
    super();
    this.#socket = socket;
    const channel = socket instanceof ShmSocket ? socket.channel : undefined;
    this.transport = channel ? "shm" : "tcp";
    this.#shm = channel ? new ShmMemory(channel) : undefined;
    if (!(socket instanceof ShmSocket)) socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", (error: Error) => this.#fail(toMpmError(error)));
    socket.on("close", () => this.#shutdown());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Registers length bytes; hand `mr.rkey` to the peer for one-sided access. */
  registerMemory(length: number, access: Access = {}): MemoryRegion {
    return this.#shm ? this.#shm.register(length, access) : this.#tcp.register(length, access);
  }

  deregisterMemory(mr: MemoryRegion): void {
    if (this.#shm) this.#shm.deregister(mr);
    else this.#tcp.deregister(mr);
  }

  postSend(wr: WorkRequest): void {
    const data = this.#local(wr, "postSend");
    const frame = encodeFrame(FRAME.send, [], data);
    this.#socket.write(frame, (error) => this.#complete(wr.wrId, "send", data.length, error));
  }

  postRecv(wr: WorkRequest): void {
    this.#local(wr, "postRecv");
    this.#receives.push(wr);
    this.#matchReceives();
  }

  /** Copies the local bytes into the peer's region rkey at remoteOffset. */
  postWrite(wr: RdmaRequest): void {
    const data = this.#local(wr, "postWrite");
    const remoteOffset = wr.remoteOffset ?? 0;
    if (this.#shm) {
      this.#oneSided(wr.wrId, "rdmaWrite", data.length, () => {
        this.#shm!.peerBytes(wr.rkey, remoteOffset, data.length, "remoteWrite").set(data);
      });
      return;
    }
    const id = this.#track(wr.wrId, "rdmaWrite", data);
    this.#socket.write(encodeFrame(FRAME.write, [id, wr.rkey, remoteOffset], data));
  }

  /** Copies the peer's region rkey at remoteOffset into the local bytes. */
  postRead(wr: RdmaRequest): void {
    const target = this.#local(wr, "postRead");
    const remoteOffset = wr.remoteOffset ?? 0;
    if (this.#shm) {
      this.#oneSided(wr.wrId, "rdmaRead", target.length, () => {
        target.set(this.#shm!.peerBytes(wr.rkey, remoteOffset, target.length, "remoteRead"));
      });
      return;
    }
    const id = this.#track(wr.wrId, "rdmaRead", target);
    this.#socket.write(encodeFrame(FRAME.readRequest, [id, wr.rkey, remoteOffset, target.length]));
  }

  /** Ends the connection after the frames already posted; outstanding requests complete as flushed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#socket.destroyed) resolve();
      else this.#socket.once("close", () => resolve());
      this.#socket.end();
    });
  }

  #local(wr: WorkRequest, what: string): Uint8Array {
    if (this.#closed) {
      throw new MpmError("MPM_E_VRDMA_CLOSED", `${what} (wrId ${wr.wrId}) on a closed queue pair`, {
        hint: "connect a new queue pair",
      });
    }
    const offset = wr.offset ?? 0;
    return wr.mr.slice(offset, wr.length ?? wr.mr.length - offset, `${what} wrId ${wr.wrId}`);
  }

  #oneSided(wrId: number, opcode: Opcode, length: number, copy: () => void): void {
    try {
      copy();
      this.cq.push({ wrId, opcode, status: "success", byteLength: length });
    } catch (error) {
      const e = toMpmError(error);
      const status = e.code === "MPM_E_VRDMA_BAD_KEY" ? "remoteAccessError" : "remoteInvalidRequest";
      this.cq.push({ wrId, opcode, status, byteLength: 0, error: e });
    }
  }

  #track(wrId: number, opcode: Opcode, target: Uint8Array): number {
    const id = this.#nextRequest++ >>> 0;
    this.#outstanding.set(id, { wrId, opcode, target });
    return id;
  }

  #complete(wrId: number, opcode: Opcode, byteLength: number, error?: Error | null): void {
    if (!error) this.cq.push({ wrId, opcode, status: "success", byteLength });
    else this.cq.push({ wrId, opcode, status: "flushed", byteLength: 0, error: toMpmError(error) });
  }

  #onData(chunk: Buffer): void {
    try {
      for (const frame of this.#reader.feed(chunk)) this.#onFrame(frame);
    } catch (error) {
      this.#socket.destroy(toMpmError(error));
    }
  }

  #onFrame(frame: Frame): void {
    switch (frame.type) {
      case FRAME.send:
        this.#unmatched.push(frame.body);
        this.#matchReceives();
        return;
      case FRAME.write:
      case FRAME.readRequest:
        this.#serveOneSided(frame);
        return;
      default:
        this.#finishOneSided(frame);
    }
  }

  /** Over TCP this side's library performs the peer's one-sided request and answers it. */
  #serveOneSided(frame: Frame): void {
    const [id, rkey, offset] = [field(frame, 0), field(frame, 1), field(frame, 2)];
    const write = frame.type === FRAME.write;
    const data = write ? frame.body.subarray(12) : undefined;
    const length = write ? data!.length : field(frame, 3);
    let answer: Uint8Array | undefined;
    let status = 0;
    try {
      const bytes = this.#tcp.localBytes(rkey, offset, length, write ? "remoteWrite" : "remoteRead");
      if (data) bytes.set(data);
      else answer = bytes;
    } catch (error) {
      const e = toMpmError(error);
      status = e.code === "MPM_E_VRDMA_BAD_KEY" ? 1 : 2;
      answer = Buffer.from(e.message);
    }
    this.#socket.write(encodeFrame(write ? FRAME.writeAck : FRAME.readResponse, [id, status], answer));
  }

  #finishOneSided(frame: Frame): void {
    const id = field(frame, 0);
    const code = field(frame, 1);
    const pending = this.#outstanding.get(id);
    if (!pending) throw new MpmError("MPM_E_VRDMA_PROTOCOL", `answer to unknown request ${id}`);
    this.#outstanding.delete(id);
    const body = frame.body.subarray(8);
    const status = STATUS_CODES[code] ?? "remoteInvalidRequest";
    if (status !== "success") {
      const codeName = status === "remoteAccessError" ? "MPM_E_VRDMA_BAD_KEY" : "MPM_E_VRDMA_OUT_OF_BOUNDS";
      const error = new MpmError(codeName, `peer refused ${pending.opcode}: ${body.toString()}`);
      this.cq.push({ wrId: pending.wrId, opcode: pending.opcode, status, byteLength: 0, error });
      return;
    }
    if (frame.type === FRAME.readResponse) pending.target.set(body.subarray(0, pending.target.length));
    this.cq.push({ wrId: pending.wrId, opcode: pending.opcode, status, byteLength: pending.target.length });
  }

  #matchReceives(): void {
    while (this.#receives.length > 0 && this.#unmatched.length > 0) {
      const wr = this.#receives.shift()!;
      const message = this.#unmatched.shift()!;
      const target = wr.mr.slice(wr.offset ?? 0, wr.length ?? wr.mr.length - (wr.offset ?? 0), "recv");
      if (message.length > target.length) {
        const error = new MpmError(
          "MPM_E_VRDMA_OUT_OF_BOUNDS",
          `received ${message.length} bytes into a receive buffer of ${target.length} (wrId ${wr.wrId})`,
          { hint: "post receive buffers as large as the largest message the peer sends" },
        );
        this.cq.push({ wrId: wr.wrId, opcode: "recv", status: "localLengthError", byteLength: 0, error });
        continue;
      }
      target.set(message);
      this.cq.push({ wrId: wr.wrId, opcode: "recv", status: "success", byteLength: message.length });
    }
    // Messages nobody posted a receive for wait here; too many and the connection stops being read, so
    // the peer's sends block on a full ring or TCP window instead of piling up in memory.
    if (this.#unmatched.length >= UNMATCHED_LIMIT) this.#socket.pause();
    else if (this.#socket.isPaused()) this.#socket.resume();
  }

  #fail(error: MpmError): void {
    if (this.listenerCount("error") > 0) this.emit("error", error);
    this.#shutdown(error);
  }

  #shutdown(error?: MpmError): void {
    if (this.#closed) return;
    this.#closed = true;
    const reason =
      error ?? new MpmError("MPM_E_VRDMA_CLOSED", "the queue pair closed before the request finished");
    for (const pending of this.#outstanding.values()) {
      this.cq.push({
        wrId: pending.wrId,
        opcode: pending.opcode,
        status: "flushed",
        byteLength: 0,
        error: reason,
      });
    }
    this.#outstanding.clear();
    for (const wr of this.#receives.splice(0)) {
      this.cq.push({ wrId: wr.wrId, opcode: "recv", status: "flushed", byteLength: 0, error: reason });
    }
    this.emit("close");
  }
}
