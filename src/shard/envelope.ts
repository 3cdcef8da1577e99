import { decodeWire, encodeWire } from "./wire-codec.ts";

/**
 * The messages between shards. Arguments and results may be any structured-cloneable value (objects,
 * arrays, Buffers, bigints; others go through V8's serializer), see wire-codec.ts.
 */
export type Envelope =
  | {
      readonly type: "call";
      readonly id: number;
      readonly handler: string;
      readonly source: boolean;
      readonly arg: unknown;
    }
  | { readonly type: "reply"; readonly id: number; readonly value: unknown }
  | { readonly type: "error"; readonly id: number; readonly error: RemoteErrorShape };

export interface RemoteErrorShape {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
}

const CALL = 0;
const REPLY = 1;
const ERROR = 2;

/** Encodes an envelope; the bytes are valid until the next call (the ring copies them). */
export function encodeEnvelope(e: Envelope): Uint8Array {
  switch (e.type) {
    case "call":
      return encodeWire([CALL, e.id, e.handler, e.source, e.arg]);
    case "reply":
      return encodeWire([REPLY, e.id, undefined, undefined, e.value]);
    case "error":
      return encodeWire([ERROR, e.id, undefined, undefined, { ...e.error }]);
  }
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  const a = decodeWire(bytes, 5);
  const id = a[1] as number;
  if (a[0] === CALL) {
    return { type: "call", id, handler: a[2] as string, source: a[3] as boolean, arg: a[4] };
  }
  if (a[0] === REPLY) return { type: "reply", id, value: a[4] };
  return { type: "error", id, error: a[4] as RemoteErrorShape };
}
