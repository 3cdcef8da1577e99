import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { exchange, freePort, type RunningServer, startOurs } from "./servers.ts";

/** Sends one framed UDP request and collects the framed reply datagrams until all `total` arrived. */
async function udpRequest(port: number, requestId: number, text: string): Promise<Buffer[]> {
  const socket = createSocket("udp4");
  const frames: Buffer[] = [];
  try {
    const header = Buffer.alloc(8);
    header.writeUInt16BE(requestId, 0);
    header.writeUInt16BE(0, 2);
    header.writeUInt16BE(1, 4);
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`UDP reply incomplete: ${frames.length} datagrams`)),
        5000,
      );
      socket.on("message", (m) => {
        frames.push(m);
        if (frames.length === m.readUInt16BE(4)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    socket.send(Buffer.concat([header, Buffer.from(text)]), port, "127.0.0.1");
    await done;
    return frames;
  } finally {
    socket.close();
  }
}

describe("UDP as memcached serves it", { timeout: 60_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startOurs(["-t", "2", "-U", String(await freePort())]);
  });
  after(async () => {
    await server?.stop();
  });

  it("answers a small get in one framed datagram", async () => {
    await exchange(server.port, Buffer.from("set u1 3 0 5\r\nhello\r\n"), (r) =>
      r.toString().endsWith("STORED\r\n"),
    );
    const frames = await udpRequest(server.udpPort, 0x1234, "get u1\r\n");
    assert.equal(frames.length, 1);
    const f = frames[0]!;
    assert.equal(f.readUInt16BE(0), 0x1234, "request id echoed");
    assert.equal(f.readUInt16BE(2), 0, "sequence number");
    assert.equal(f.readUInt16BE(4), 1, "datagram count");
    assert.equal(f.subarray(8).toString(), "VALUE u1 3 5\r\nhello\r\nEND\r\n");
  });

  it("splits a large reply into numbered datagrams of at most 1400 bytes", async () => {
    const value = Buffer.alloc(10_000);
    for (let i = 0; i < value.length; i++) value[i] = 97 + (i % 26);
    await exchange(
      server.port,
      Buffer.concat([Buffer.from(`set u2 0 0 ${value.length}\r\n`), value, Buffer.from("\r\n")]),
      (r) => r.toString().endsWith("STORED\r\n"),
    );
    const frames = await udpRequest(server.udpPort, 7, "get u2\r\n");
    assert.ok(frames.length > 1);
    for (const f of frames) {
      assert.ok(f.length <= 1400);
      assert.equal(f.readUInt16BE(0), 7);
      assert.equal(f.readUInt16BE(4), frames.length);
    }
    frames.sort((a, b) => a.readUInt16BE(2) - b.readUInt16BE(2));
    const whole = Buffer.concat(frames.map((f) => f.subarray(8)));
    assert.equal(
      whole.toString("latin1"),
      `VALUE u2 0 ${value.length}\r\n${value.toString("latin1")}\r\nEND\r\n`,
    );
  });

  it("ignores requests announced as several datagrams", async () => {
    const socket = createSocket("udp4");
    const header = Buffer.alloc(8);
    header.writeUInt16BE(9, 0);
    header.writeUInt16BE(2, 4);
    socket.send(Buffer.concat([header, Buffer.from("get u1\r\n")]), server.udpPort, "127.0.0.1");
    const got = await Promise.race([
      once(socket, "message").then(() => true),
      new Promise((r) => setTimeout(() => r(false), 500)),
    ]);
    socket.close();
    assert.equal(got, false);
  });
});
