import type { MpmError } from "../../errors/mpm-error.ts";

export type Opcode = "send" | "recv" | "rdmaWrite" | "rdmaRead";

/** As ibv_wc_status, the ones this transport can produce. */
export type CompletionStatus =
  | "success"
  | "localLengthError" // a received message is longer than the posted receive buffer
  | "remoteAccessError" // the peer's key is unknown or does not allow the access
  | "remoteInvalidRequest" // offset and length reach outside the peer's region
  | "flushed"; // the queue pair closed or broke before the request finished

export interface WorkCompletion {
  readonly wrId: number;
  readonly opcode: Opcode;
  readonly status: CompletionStatus;
  /** Bytes moved (for recv: the message length). */
  readonly byteLength: number;
  /** The reason, for any status but success. */
  readonly error?: MpmError;
}

/**
 * Completions in the order work finished, taken by the application with poll() as with ibv_poll_cq.
 * next() is a convenience for code that would rather await than spin.
 */
export class CompletionQueue {
  readonly #entries: WorkCompletion[] = [];
  readonly #waiters: (() => void)[] = [];

  push(completion: WorkCompletion): void {
    this.#entries.push(completion);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Takes up to max completions; an empty list when none is ready. */
  poll(max = 16): WorkCompletion[] {
    return this.#entries.splice(0, max);
  }

  get length(): number {
    return this.#entries.length;
  }

  /** Resolves with the next completion. */
  async next(): Promise<WorkCompletion> {
    while (this.#entries.length === 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.#entries.shift()!;
  }
}
