// Sets a key through the forwarded port, reads it back and asks for stats. slirp accepts TCP connections
// before the guest listens, so each attempt has a short timeout and the check retries for up to 120 s
// (Node.js loads the TypeScript sources at boot, slower under TCG).
import { connect } from "node:net";

const port = Number(process.env.MPM_GUEST_PORT_11211);
const host = process.env.MPM_GUEST_HOST ?? "127.0.0.1";
const value = `mpm-${process.pid}`;

function exchange() {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let reply = "";
    socket.setTimeout(3000, () => socket.destroy(new Error("no reply within 3 s")));
    socket.on("connect", () =>
      socket.write(`set greeting 0 0 ${value.length}\r\n${value}\r\nget greeting\r\nstats\r\n`),
    );
    socket.on("data", (chunk) => {
      reply += chunk;
      if (reply.endsWith("END\r\n") && reply.includes("STAT shards")) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`connection closed after ${JSON.stringify(reply)}`)));
  });
}

const deadline = Date.now() + 120_000;
for (;;) {
  try {
    const reply = await exchange();
    const expected = `STORED\r\nVALUE greeting 0 ${value.length}\r\n${value}\r\nEND\r\n`;
    if (!reply.startsWith(expected)) {
      console.error(`shard-memcached test: unexpected reply ${JSON.stringify(reply.slice(0, 200))}`);
      process.exit(1);
    }
    const shards = /STAT shards (\d+)/.exec(reply)?.[1];
    console.log(
      `shard-memcached test: set and got greeting=${value} on ${shards} shard(s) via 127.0.0.1:${port}`,
    );
    process.exit(0);
  } catch (error) {
    if (Date.now() > deadline) {
      console.error(`shard-memcached test: no answer on 127.0.0.1:${port}: ${error.message}`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
