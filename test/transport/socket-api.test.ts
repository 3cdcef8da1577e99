import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { connect } from "../../src/transport/connect.ts";
import { RouteTable } from "../../src/transport/route-table.ts";
import { createServer } from "../../src/transport/server.ts";
import { ShmSocket } from "../../src/transport/shm-socket.ts";
import { collect, type Peer, pattern, scratch, startPeer, within } from "./helpers.ts";

describe("socket-style API between two processes", () => {
  const dirs = scratch();
  let peer: Peer;
  let port: number;
  let routes: RouteTable;

  before(async () => {
    peer = startPeer(["echo-server", dirs.shm]);
    port = ((await peer.next()) as { port: number }).port;
    routes = new RouteTable([{ address: `127.0.0.1:${port}`, shm: dirs.shm }]);
  });
  after(async () => {
    await peer.stop();
    dirs.cleanup();
  });

  it("takes shared memory for a co-located address and carries 3 MB intact both ways", async () => {
    const socket = connect({ port, host: "127.0.0.1", routes });
    assert.ok(socket instanceof ShmSocket, "a routed address must use shared memory");
    const data = pattern(3_000_000);
    socket.write(Buffer.alloc(0)); // an empty write must complete, not block the writes after it
    socket.end(data);
    const echoed = await within(collect(socket), 20000, "echo over shm");
    assert.equal(echoed.length, data.length);
    assert.ok(echoed.equals(data), "echoed bytes differ from the bytes sent");
  });

  it("wakes a sleeping reader through the FIFO doorbell when the writer is another process", async () => {
    // The server process writes a stamp every 100 ms; between stamps this side has long stopped spinning
    // and sleeps on its doorbell, so each stamp must reach it through the writer's ring.
    const shm = `${dirs.shm}-ticker`;
    const ticker = startPeer(["ticker-server", shm]);
    try {
      const tickerPort = ((await ticker.next()) as { port: number }).port;
      const socket = connect({
        port: tickerPort,
        host: "127.0.0.1",
        routes: new RouteTable([{ address: `127.0.0.1:${tickerPort}`, shm }]),
      });
      assert.ok(socket instanceof ShmSocket);
      const delays: number[] = [];
      let rest = "";
      socket.on("data", (d: Buffer) => {
        const now = performance.timeOrigin + performance.now();
        const lines = (rest + String(d)).split("\n");
        rest = lines.pop()!;
        for (const line of lines) delays.push(now - Number(line));
      });
      await within(new Promise((resolve) => socket.on("end", resolve)), 15000, "ticks");
      assert.equal(delays.length, 10);
      for (const delay of delays) assert.ok(delay < 1000, `a tick took ${delay.toFixed(1)} ms to arrive`);
      const { waits, woken } = socket.wakeups;
      assert.ok(waits > 0, "the reader never slept on the doorbell");
      assert.ok(woken >= 3, `only ${woken} of 10 ticks woke the reader through the doorbell`);
      socket.destroy();
    } finally {
      await ticker.stop(); // dirs.cleanup() removes the region with the doorbell the killed ticker left
    }
  });

  it("counts writes as traffic for setTimeout, as net.Socket does", async () => {
    const server = createServer();
    server.on("connection", (socket) => socket.resume());
    const shm = `${dirs.shm}-idle`;
    await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", shm }, resolve));
    const serverPort = (server.address() as net.AddressInfo).port;
    const socket = connect({
      port: serverPort,
      host: "127.0.0.1",
      routes: new RouteTable([{ address: `127.0.0.1:${serverPort}`, shm }]),
    });
    try {
      assert.ok(socket instanceof ShmSocket);
      let timeouts = 0;
      socket.setTimeout(100, () => timeouts++);
      // Writes every 5 ms for 600 ms and never reads: never 100 ms without traffic.
      for (let i = 0; i < 120; i++) {
        socket.write(Buffer.alloc(1024));
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.equal(timeouts, 0);
    } finally {
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("falls back to TCP for an address without a route, with the same application code", async () => {
    const socket = connect({ port, host: "127.0.0.1", routes: new RouteTable() });
    assert.ok(socket instanceof net.Socket, "an unrouted address must use TCP");
    const data = pattern(1_000_000);
    socket.end(data);
    const echoed = await within(collect(socket), 20000, "echo over TCP");
    assert.ok(echoed.equals(data));
  });

  it("reads the route table from MPM_VRDMA_ROUTES in another process and loses nothing across reconnects", async () => {
    // The client process makes 7 successive connections (more than the region's 4 slots, so slots are
    // reused) and numbers its records across them; the server here must see every number once, in order.
    const server = createServer();
    const received: Buffer[] = [];
    const kinds: string[] = [];
    server.on("connection", (socket) => {
      kinds.push(socket instanceof ShmSocket ? "shm" : "tcp");
      socket.on("data", (d: Buffer) => received.push(d));
    });
    const shm = `${dirs.shm}-reconnect`;
    await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", shm }, resolve));
    const serverPort = (server.address() as net.AddressInfo).port;
    const file = dirs.routesFile({ routes: [{ address: `127.0.0.1:${serverPort}`, shm }] });
    const client = startPeer(["reconnect-client", String(serverPort), "7", "300"], {
      MPM_VRDMA_ROUTES: file,
    });
    try {
      assert.deepEqual(await client.next(30000), { sent: 2100 });
      await within(
        new Promise<void>((resolve) => {
          const check = () =>
            Buffer.concat(received).toString().split("\n").length > 2100 ? resolve() : setTimeout(check, 10);
          check();
        }),
        10000,
        "all records",
      );
      const seqs = Buffer.concat(received)
        .toString()
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [seq, pad] = line.split(":") as [string, string];
          assert.equal(pad, "x".repeat((Number(seq) + 1) % 97), `record ${seq} is damaged`);
          return Number(seq);
        });
      assert.deepEqual(
        seqs,
        Array.from({ length: 2100 }, (_, i) => i),
      );
      assert.deepEqual(kinds, Array(7).fill("shm"));
    } finally {
      await client.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("socket-style API faults", () => {
  it("reports a killed server to the client within the heartbeat bound, never hangs", async () => {
    const dirs = scratch();
    const peer = startPeer(["hang-server", dirs.shm]);
    try {
      const { port } = (await peer.next()) as { port: number };
      const routes = new RouteTable([{ address: `127.0.0.1:${port}`, shm: dirs.shm }]);
      const socket = connect({ port, host: "127.0.0.1", routes, deadAfterMs: 500 });
      await within(new Promise((resolve) => socket.once("connect", resolve)), 10000, "connect");
      assert.equal(await peer.next(), "accepted");
      const failed = new Promise<Error>((resolve) => socket.once("error", resolve));
      await peer.stop();
      const error = await within(failed, 5000, "peer-loss error");
      assert.equal((error as { code?: string }).code, "MPM_E_VRDMA_PEER_LOST");
    } finally {
      await peer.stop();
      dirs.cleanup();
    }
  });

  it("reports a killed client to the server", async () => {
    const dirs = scratch();
    const server = createServer({ deadAfterMs: 500 });
    const errors: Error[] = [];
    server.on("connection", (socket) => socket.on("error", (e: Error) => errors.push(e)));
    await new Promise<void>((resolve) =>
      server.listen({ port: 0, host: "127.0.0.1", shm: dirs.shm }, resolve),
    );
    const port = (server.address() as net.AddressInfo).port;
    const file = dirs.routesFile({ routes: [{ address: `127.0.0.1:${port}`, shm: dirs.shm }] });
    const client = startPeer(["connect-and-hang", String(port)], { MPM_VRDMA_ROUTES: file });
    try {
      assert.equal(await client.next(), "connected");
      await client.stop();
      await within(
        new Promise<void>((resolve) => {
          const check = () => (errors.length > 0 ? resolve() : setTimeout(check, 20));
          check();
        }),
        5000,
        "server-side peer-loss error",
      );
      assert.equal((errors[0] as { code?: string }).code, "MPM_E_VRDMA_PEER_LOST");
    } finally {
      await client.stop();
      await new Promise((resolve) => server.close(resolve));
      dirs.cleanup();
    }
  });

  it("holds a writer back when the reader does not read, then delivers everything", async () => {
    const dirs = scratch();
    const server = createServer({ geometry: { ringSize: 65536, slots: 1 } });
    let serverSocket: net.Socket | ShmSocket | undefined;
    server.on("connection", (socket) => {
      serverSocket = socket;
      socket.pause();
    });
    await new Promise<void>((resolve) =>
      server.listen({ port: 0, host: "127.0.0.1", shm: dirs.shm }, resolve),
    );
    const port = (server.address() as net.AddressInfo).port;
    const routes = new RouteTable([{ address: `127.0.0.1:${port}`, shm: dirs.shm }]);
    try {
      const socket = connect({ port, host: "127.0.0.1", routes });
      await within(new Promise((resolve) => socket.once("connect", resolve)), 10000, "connect");
      const data = pattern(4_000_000);
      assert.equal(socket.write(data), false, "a 4 MB write into a 64 KiB ring must report back-pressure");
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok(socket.bytesWritten <= 65536 + 300_000, `${socket.bytesWritten} bytes left the writer`);
      socket.end();
      const received = collect(serverSocket!);
      serverSocket!.resume();
      const got = await within(received, 20000, "delivery after resume");
      assert.ok(got.equals(data), "data damaged under back-pressure");
      socket.destroy();
    } finally {
      serverSocket?.destroy();
      await new Promise((resolve) => server.close(resolve));
      dirs.cleanup();
    }
  });

  it("refuses a region with a wrong magic, at connect and at listen", async () => {
    const dirs = scratch();
    writeFileSync(dirs.shm, Buffer.concat([Buffer.from("NOTOURS!"), Buffer.alloc(8192)]));
    try {
      const routes = new RouteTable([{ address: "127.0.0.1:9", shm: dirs.shm }]);
      const socket = connect({ port: 9, host: "127.0.0.1", routes });
      const error = await within(
        new Promise<Error>((resolve) => socket.once("error", resolve)),
        5000,
        "error",
      );
      assert.equal((error as { code?: string }).code, "MPM_E_VRDMA_BAD_MAGIC");
      assert.match(error.message, /NOTOURS|4e4f544f/i);
      const server = createServer();
      const listenError = await within(
        new Promise<Error>((resolve) => {
          server.on("error", resolve);
          server.listen({ port: 0, host: "127.0.0.1", shm: dirs.shm });
        }),
        5000,
        "listen error",
      );
      assert.equal((listenError as { code?: string }).code, "MPM_E_VRDMA_BAD_MAGIC");
    } finally {
      dirs.cleanup();
    }
  });

  it("refuses a region of another layout version", async () => {
    const dirs = scratch();
    const server = createServer();
    await new Promise<void>((resolve) =>
      server.listen({ port: 0, host: "127.0.0.1", shm: dirs.shm }, resolve),
    );
    const port = (server.address() as net.AddressInfo).port;
    try {
      const header = Buffer.alloc(4);
      header.writeUInt32LE(99);
      const { openSync, writeSync, closeSync } = await import("node:fs");
      const fd = openSync(dirs.shm, "r+");
      writeSync(fd, header, 0, 4, 8);
      closeSync(fd);
      const socket = connect({
        port,
        host: "127.0.0.1",
        routes: new RouteTable([{ address: `127.0.0.1:${port}`, shm: dirs.shm }]),
      });
      const error = await within(
        new Promise<Error>((resolve) => socket.once("error", resolve)),
        5000,
        "error",
      );
      assert.equal((error as { code?: string }).code, "MPM_E_VRDMA_BAD_VERSION");
      assert.match(error.message, /version 99/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      dirs.cleanup();
    }
  });

  it("says no listener runs when the region's server is gone", async () => {
    const dirs = scratch();
    const server = createServer();
    await new Promise<void>((resolve) =>
      server.listen({ port: 0, host: "127.0.0.1", shm: `${dirs.shm}` }, resolve),
    );
    const port = (server.address() as net.AddressInfo).port;
    const keep = `${dirs.shm}`;
    // Copy the laid-out region before the server removes it, as a stale file left by a crashed server.
    const { copyFileSync } = await import("node:fs");
    copyFileSync(keep, `${keep}-stale`);
    await new Promise((resolve) => server.close(resolve));
    const stale = `${keep}-stale`;
    const { openSync, writeSync, closeSync, rmSync } = await import("node:fs");
    const fd = openSync(stale, "r+");
    writeSync(fd, Buffer.alloc(4), 0, 4, 64);
    closeSync(fd);
    try {
      const socket = connect({
        port,
        host: "127.0.0.1",
        routes: new RouteTable([{ address: `127.0.0.1:${port}`, shm: stale }]),
      });
      const error = await within(
        new Promise<Error>((resolve) => socket.once("error", resolve)),
        5000,
        "error",
      );
      assert.equal((error as { code?: string }).code, "MPM_E_VRDMA_NO_LISTENER");
    } finally {
      rmSync(stale, { force: true });
      dirs.cleanup();
    }
  });
});
