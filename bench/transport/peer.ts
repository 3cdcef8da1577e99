// The far end of the transport benchmarks, run as its own process.
//   echo <shm>   socket-API server on 127.0.0.1:0 and the region: echoes pings, counts streams; prints {"port"}
//   raw <shm>    spins on slot 0 of a region laid out by the benchmark, echoing bytes, until told to stop

import { createServer } from "../../src/transport/server.ts";
import { ShmChannel } from "../../src/transport/shm-channel.ts";
import { ShmRegion } from "../../src/transport/shm-region.ts";
import { echoOrCount } from "./echo-or-count.ts";
import { rawEcho } from "./measure.ts";

const [mode, shm] = process.argv.slice(2) as [string, string];

if (mode === "echo") {
  const server = createServer(echoOrCount);
  server.listen({ port: 0, host: "127.0.0.1", shm }, () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
  });
} else if (mode === "raw") {
  const channel = new ShmChannel(ShmRegion.open(shm), 0, 1);
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  rawEcho(channel);
  process.exit(0);
}
