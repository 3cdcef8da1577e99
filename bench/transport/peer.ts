// The far end of the transport benchmarks, run as its own process.
//   echo <shm>   socket-API server on 127.0.0.1:0 and the region: echoes pings, counts streams; prints {"port"}
//   raw <shm>    spins on slot 0 of a region laid out by the benchmark, echoing bytes, until told to stop

import { createServer } from "../../src/transport/server.ts";
import { ShmChannel } from "../../src/transport/shm-channel.ts";
import { ShmRegion } from "../../src/transport/shm-region.ts";

const [mode, shm] = process.argv.slice(2) as [string, string];

if (mode === "echo") {
  // First byte of a connection picks the test: "p" echo (ping-pong), "s" count (stream) and answer one byte
  // after the 8-byte length that follows.
  const server = createServer((socket) => {
    let mode = "";
    let want = -1;
    let got = 0;
    socket.on("data", (chunk: Buffer) => {
      if (mode === "") {
        mode = String.fromCharCode(chunk[0]!);
        chunk = chunk.subarray(1);
      }
      if (mode === "p") {
        socket.write(chunk);
        return;
      }
      if (want < 0 && chunk.length >= 8) {
        want = Number(chunk.readBigUInt64LE(0));
        chunk = chunk.subarray(8);
      }
      got += chunk.length;
      if (want >= 0 && got >= want) {
        socket.write("k");
        got -= want;
        want = -1;
      }
    });
    socket.on("error", () => {});
  });
  server.listen({ port: 0, host: "127.0.0.1", shm }, () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
  });
} else if (mode === "raw") {
  const channel = new ShmChannel(ShmRegion.open(shm), 0, 1);
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  let pending: Buffer | undefined;
  while (!channel.peerClosed()) {
    if (pending) {
      const n = channel.tx.write(pending);
      pending = n === pending.length ? undefined : pending.subarray(n);
    }
    if (!pending) pending = channel.rx.read(1 << 20);
  }
  process.exit(0);
}
