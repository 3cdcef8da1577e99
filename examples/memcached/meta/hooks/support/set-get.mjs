// Sets a key through the forwarded port and reads it back. slirp accepts TCP connections before the guest
// listens, so each attempt has a short timeout and the whole check retries for up to 60 s.
import { connect } from "node:net";

const port = Number(process.env.MPM_GUEST_PORT_11211);
const host = process.env.MPM_GUEST_HOST ?? "127.0.0.1";
const value = `mpm-${process.pid}`;

function exchange() {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let reply = "";
    socket.setTimeout(2000, () => socket.destroy(new Error("no reply within 2 s")));
    socket.on("connect", () =>
      socket.write(`set greeting 0 0 ${value.length}\r\n${value}\r\nget greeting\r\n`),
    );
    socket.on("data", (chunk) => {
      reply += chunk;
      if (reply.includes("END\r\n")) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`connection closed after ${JSON.stringify(reply)}`)));
  });
}

const deadline = Date.now() + 60_000;
for (;;) {
  try {
    const reply = await exchange();
    const expected = `STORED\r\nVALUE greeting 0 ${value.length}\r\n${value}\r\nEND\r\n`;
    if (reply !== expected) {
      console.error(`memcached test: unexpected reply ${JSON.stringify(reply)}`);
      process.exit(1);
    }
    console.log(`memcached test: set and got greeting=${value} through 127.0.0.1:${port}`);
    process.exit(0);
  } catch (error) {
    if (Date.now() > deadline) {
      console.error(`memcached test: no answer on 127.0.0.1:${port}: ${error.message}`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
