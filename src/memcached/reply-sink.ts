import { Future } from "../shard/future.ts";

/** What a request answers: bytes, or nothing (noreply, quiet binary commands). */
export type Reply = readonly Uint8Array[];

/** The answer to a request whose reply failed (its shard stopped, or formatting it threw). */
const SHARD_ERROR: Reply = [Buffer.from("SERVER_ERROR shard unavailable\r\n")];

/**
 * Keeps a connection's replies in request order while some of them wait for another shard. Replies that
 * are ready and have nothing pending before them go straight to the output batch, written once per read.
 */
export class ReplySink {
  private readonly out: Uint8Array[] = [];
  private readonly waiting: { reply: Reply | undefined }[] = [];
  private readonly write: (chunks: Uint8Array[]) => void;
  private closeAfterFlush = false;
  private readonly onClose: () => void;
  /** Called after a waiting reply was released, so a paused connection can read on. */
  onRelease: () => void = () => {};

  constructor(write: (chunks: Uint8Array[]) => void, onClose: () => void) {
    this.write = write;
    this.onClose = onClose;
  }

  /** Bytes of ready replies not yet handed to the socket (counted so a burst of requests is bounded too). */
  queuedBytes = 0;

  /** True once quit asked to close: requests after it are not run, as memcached closes at once. */
  get closeRequested(): boolean {
    return this.closeAfterFlush;
  }

  /** Replies still waiting for another shard. */
  get pending(): number {
    return this.waiting.length;
  }

  add(reply: Reply | Future<Reply>): void {
    if (!(reply instanceof Future)) {
      if (this.waiting.length === 0) this.push(reply);
      else this.waiting.push({ reply });
      return;
    }
    if (reply.isReady() && this.waiting.length === 0) {
      // A ready future's continuation runs inline, so this adds to `out` in order.
      reply.then(
        (r) => this.push(r),
        () => this.push(SHARD_ERROR),
      );
      return;
    }
    const slot: { reply: Reply | undefined } = { reply: undefined };
    this.waiting.push(slot);
    reply.then(
      (r) => {
        slot.reply = r;
        this.release();
      },
      () => {
        slot.reply = SHARD_ERROR;
        this.release();
      },
    );
  }

  private push(reply: Reply): void {
    for (const chunk of reply) {
      this.out.push(chunk);
      this.queuedBytes += chunk.length;
    }
  }

  private release(): void {
    while (this.waiting.length > 0 && this.waiting[0]!.reply !== undefined) {
      this.push(this.waiting.shift()!.reply!);
    }
    this.flush();
    this.onRelease();
  }

  /** Closes the connection once everything before this point has been written (quit). */
  closeWhenDone(): void {
    this.closeAfterFlush = true;
    this.flush();
  }

  /** Writes the ready prefix of replies. */
  flush(): void {
    if (this.out.length > 0) {
      this.queuedBytes = 0;
      this.write(this.out.splice(0));
    }
    if (this.closeAfterFlush && this.waiting.length === 0) this.onClose();
  }
}
