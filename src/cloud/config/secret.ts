import { inspect } from "node:util";

const MASK = "***";

/**
 * Holds a password, application-credential secret or token. It prints, logs and serialises as *** in every
 * way a value can leak (String(), JSON, util.inspect, console.log), so a whole config object can be shown
 * or put into error details safely; only `reveal()` gives the value, at the one place it goes on the wire.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return MASK;
  }
}
