import { deserialize, serialize } from "node:v8";

/**
 * The messages between shards, encoded with V8's structured serializer (the same one postMessage uses),
 * so arguments and results may be any structured-cloneable value: objects, Maps, Buffers, typed arrays.
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

export function encodeEnvelope(e: Envelope): Uint8Array {
  switch (e.type) {
    case "call":
      return serialize([CALL, e.id, e.handler, e.source, e.arg]);
    case "reply":
      return serialize([REPLY, e.id, e.value]);
    case "error":
      return serialize([ERROR, e.id, e.error]);
  }
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  const a = deserialize(bytes) as unknown[];
  const id = a[1] as number;
  if (a[0] === CALL) {
    return { type: "call", id, handler: a[2] as string, source: a[3] as boolean, arg: a[4] };
  }
  if (a[0] === REPLY) return { type: "reply", id, value: a[2] };
  return { type: "error", id, error: a[2] as RemoteErrorShape };
}
