import { MpmError } from "../errors/mpm-error.ts";
import { Future, Promised } from "./future.ts";

/**
 * Seastar's gate: work enters before it starts and leaves when done; close() refuses new work and resolves
 * once everything inside has left, so a service can stop without cutting requests in half.
 */
export class Gate {
  private inside = 0;
  private closing: Promised<void> | undefined;

  get count(): number {
    return this.inside;
  }

  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  enter(): void {
    if (this.closing) {
      throw new MpmError("MPM_E_SHARD_STOPPED", "the gate is closed: the service is stopping", {
        hint: "start no new work after stop() was called",
      });
    }
    this.inside++;
  }

  leave(): void {
    this.inside--;
    if (this.inside === 0 && this.closing) this.closing.resolve();
  }

  /** Runs fn inside the gate: enter, run, leave (also when it fails). */
  run<T>(fn: () => T | PromiseLike<T>): Future<T> {
    try {
      this.enter();
    } catch (error) {
      return Future.failed(error);
    }
    return Future.invoke(fn).finally(() => this.leave());
  }

  close(): Future<void> {
    if (this.closing) return this.closing.future;
    this.closing = new Promised<void>();
    if (this.inside === 0) this.closing.resolve();
    return this.closing.future;
  }
}
