import assert from "node:assert/strict";
import { pbkdf2 } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { connect } from "../../src/transport/connect.ts";
import { RouteTable } from "../../src/transport/route-table.ts";
import { ShmSocket } from "../../src/transport/shm-socket.ts";
import { type Peer, pattern, scratch, startPeer, within } from "./helpers.ts";

const SOCKETS = 8;
/** Each sleep of the sockets under test lasts up to this long, so a missed doorbell ring would show. */
const LONG_WAIT_MS = 10000;

function until(done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (done() ? resolve() : setTimeout(check, 10));
    check();
  });
}

/** The next `length` bytes the socket reads. */
function readBytes(socket: ShmSocket, length: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let got = 0;
    const onData = (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got < length) return;
      socket.off("data", onData);
      resolve(Buffer.concat(parts));
    };
    socket.on("data", onData);
  });
}

describe("many sleeping shared-memory sockets in one process", () => {
  const dirs = scratch();
  let server: Peer;
  let port: number;
  let routes: RouteTable;

  before(async () => {
    // Echoes 100 ms late, so the reader has stopped spinning and sleeps on its doorbell when the echo comes.
    server = startPeer(["slow-echo-server", dirs.shm, "16", "100"]);
    port = ((await server.next()) as { port: number }).port;
    routes = new RouteTable([{ address: `127.0.0.1:${port}`, shm: dirs.shm }]);
  });
  after(async () => {
    await server.stop();
    dirs.cleanup();
  });

  /** Opens n connections and returns once every one of them has gone to sleep on its doorbell. */
  async function openSleeping(n: number): Promise<ShmSocket[]> {
    const sockets = Array.from({ length: n }, () => {
      const socket = connect({
        port,
        host: "127.0.0.1",
        routes,
        bellTimeoutMs: LONG_WAIT_MS,
        deadAfterMs: 60000,
      });
      assert.ok(socket instanceof ShmSocket, "a routed address must use shared memory");
      return socket;
    });
    await within(
      until(() => sockets.every((s) => s.wakeups.waits > 0)),
      5000,
      "every socket asleep",
    );
    return sockets;
  }

  it("leaves the thread pool free: 4 pbkdf2 and a readFile finish while 8 sockets sleep", async () => {
    const sockets = await openSleeping(SOCKETS);
    try {
      // libuv has 4 pool threads; a sleep that held one (as a futex wait in the pool once did) would queue
      // this work behind 10 s waits.
      const hash = promisify(pbkdf2);
      const work = [
        ...Array.from({ length: 4 }, (_, i) => hash(`secret ${i}`, "salt", 20000, 32, "sha256")),
        readFile(fileURLToPath(import.meta.url)),
      ];
      await within(Promise.all(work), 3000, "thread-pool work beside 8 sleeping sockets");
      for (const socket of sockets)
        assert.ok(socket.wakeups.waits > 0, "a socket never slept on its doorbell");
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  it("wakes each of 8 sleeping sockets by the peer's write, with the bytes intact", async () => {
    const sockets = await openSleeping(SOCKETS);
    try {
      const woken = sockets.map((s) => s.wakeups.woken);
      const sent = sockets.map((_, i) => pattern(4096 + 4 * i));
      const echoes = sockets.map((socket, i) => {
        socket.write(sent[i]);
        return readBytes(socket, sent[i]!.length);
      });
      // A doorbell that did not wake its socket would leave the echo unread for 10 s.
      const received = await within(Promise.all(echoes), 5000, "echoes to sleeping sockets");
      received.forEach((bytes, i) => {
        assert.ok(bytes.equals(sent[i]!), `socket ${i} received other bytes than it sent`);
        const after = sockets[i]!.wakeups;
        assert.ok(after.woken > woken[i]!, `socket ${i} got its echo without a doorbell wake-up`);
      });
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  it("lets a process exit on its own once its 8 sleeping sockets are closed", async () => {
    const file = dirs.routesFile({ routes: [{ address: `127.0.0.1:${port}`, shm: dirs.shm }] });
    const client = startPeer(["sleepy-client", String(port), String(SOCKETS)], { MPM_VRDMA_ROUTES: file });
    const exited = new Promise<number | null>((resolve) => client.child.once("exit", resolve));
    try {
      const counters = (await client.next(10000)) as { waits: number; woken: number }[];
      assert.equal(counters.length, SOCKETS);
      for (const { woken } of counters)
        assert.ok(woken > 0, "a socket of the client was not woken by its echo");
      // Its sockets sleep with 10 s timeouts when it closes them; one left running would hold it that long.
      assert.equal(await within(exited, 5000, "the client's exit"), 0);
    } finally {
      await client.stop();
    }
  });
});
