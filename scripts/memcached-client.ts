// A minimal memcached text-protocol client for the demo: waits until memcached answers through the
// forwarded port, then sets a key, gets it back and prints each exchange.
//   node scripts/memcached-client.ts <port> [timeout seconds]
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

const port = Number(process.argv[2]);
const timeoutSeconds = Number(process.argv[3] ?? 120);

/** Sends `request`, resolves with the reply once it ends with `terminator` (2 s per attempt). */
function exchange(request: string, terminator: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    socket.setTimeout(2000, () => socket.destroy(new Error("no reply within 2 s")));
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      if (terminator.test(reply)) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error("connection closed")));
  });
}

const show = (text: string) => text.trimEnd().replaceAll("\r\n", "\\r\\n");
const started = Date.now();
let version = "";
while (!version) {
  // slirp accepts the connection before the guest listens; only an answer counts.
  version = await exchange("version\r\n", /\r\n$/).catch(() => "");
  if (version) break;
  if (Date.now() - started > timeoutSeconds * 1000) {
    console.error(`client: memcached did not answer on 127.0.0.1:${port} within ${timeoutSeconds} s`);
    process.exit(1);
  }
  await sleep(250);
}
console.log(
  `client: memcached answered after ${((Date.now() - started) / 1000).toFixed(1)} s: ${show(version)}`,
);
const value = `hello from the host at ${new Date().toISOString()}`;
const stored = await exchange(`set demo-key 0 300 ${value.length}\r\n${value}\r\n`, /\r\n$/);
console.log(`client: set demo-key "${value}" -> ${show(stored)}`);
const got = await exchange("get demo-key\r\n", /END\r\n$/);
console.log(`client: get demo-key -> ${show(got)}`);
if (stored !== "STORED\r\n" || !got.includes(`\r\n${value}\r\n`)) {
  console.error("client: the value read back differs from the one stored");
  process.exit(1);
}
console.log("client: the guest's memcached stored the key and returned it");
