import type { Socket as UdpSocket } from "node:dgram";
import type { ConnectionControl, ProtocolContext } from "./protocol-context.ts";
import { ReplySink } from "./reply-sink.ts";
import { TextProtocol } from "./text-protocol.ts";

/** memcached's UDP frame header: request id, sequence number, datagram count, reserved (all 16-bit). */
export const UDP_HEADER_BYTES = 8;
/** memcached's UDP_MAX_PAYLOAD_SIZE: no reply datagram is larger. */
export const UDP_MAX_DATAGRAM = 1400;

/**
 * Text requests over UDP as memcached serves them: one request per datagram (multi-datagram requests are
 * dropped), the reply cut into datagrams of at most 1400 bytes, each carrying the request id, its sequence
 * number and the total count, so the client can reassemble them in order.
 */
export function serveUdp(socket: UdpSocket, ctx: ProtocolContext): void {
  socket.on("message", (msg, rinfo) => {
    if (msg.length < UDP_HEADER_BYTES) return;
    const requestId = msg.readUInt16BE(0);
    if (msg.readUInt16BE(4) !== 1) return;
    const chunks: Uint8Array[] = [];
    let finished = false;
    const send = () => {
      if (finished) return;
      finished = true;
      for (const datagram of frame(requestId, Buffer.concat(chunks))) {
        socket.send(datagram, rinfo.port, rinfo.address);
      }
    };
    const control: ConnectionControl = { saturated: () => false, closeNow: () => {} };
    const sink = new ReplySink(
      (c) => chunks.push(...c),
      () => {},
    );
    sink.onRelease = () => {
      if (sink.pending === 0) send();
    };
    new TextProtocol(ctx, sink, control).process(msg.subarray(UDP_HEADER_BYTES), 0);
    sink.flush();
    if (sink.pending === 0) send();
  });
  // A bad datagram or an unreachable client must not end the shard.
  socket.on("error", () => {});
}

/** Cuts a reply into framed datagrams. */
export function frame(requestId: number, reply: Buffer): Buffer[] {
  if (reply.length === 0) return [];
  const room = UDP_MAX_DATAGRAM - UDP_HEADER_BYTES;
  const total = Math.ceil(reply.length / room);
  const out: Buffer[] = [];
  for (let seq = 0; seq < total; seq++) {
    const part = reply.subarray(seq * room, (seq + 1) * room);
    const d = Buffer.alloc(UDP_HEADER_BYTES + part.length);
    d.writeUInt16BE(requestId, 0);
    d.writeUInt16BE(seq, 2);
    d.writeUInt16BE(total, 4);
    part.copy(d, UDP_HEADER_BYTES);
    out.push(d);
  }
  return out;
}
