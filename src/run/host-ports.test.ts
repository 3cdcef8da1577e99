import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { test } from "node:test";
import { claimHostPorts } from "./host-ports.ts";

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen({ host: "127.0.0.1", port: 0 }, () => resolve(server));
  });
}

test("a host port held by another listener is refused before QEMU would start", async (t) => {
  const server = await listen();
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  await assert.rejects(claimHostPorts([{ host: port, guest: 80 }]), {
    code: "MPM_E_PORT_IN_USE",
    message: new RegExp(`host port ${port}`),
  });
});

test("host port 0 becomes distinct free ports; the same port twice is refused", async () => {
  const claimed = await claimHostPorts([
    { host: 0, guest: 80 },
    { host: 0, guest: 81 },
  ]);
  assert.equal(claimed.length, 2);
  assert.notEqual(claimed[0]!.host, claimed[1]!.host);
  assert.ok(claimed.every((p) => p.host > 0));
  await assert.rejects(
    claimHostPorts([
      { host: claimed[0]!.host, guest: 80 },
      { host: claimed[0]!.host, guest: 81 },
    ]),
    { code: "MPM_E_PORT_IN_USE" },
  );
});
