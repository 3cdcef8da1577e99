import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { RouteTable } from "../../src/transport/route-table.ts";
import type { MemoryRegion } from "../../src/transport/verbs/memory-region.ts";
import type { QueuePair } from "../../src/transport/verbs/queue-pair.ts";
import { connectQueuePair } from "../../src/transport/verbs/verbs-endpoint.ts";
import { type Peer, scratch, startPeer, within } from "./helpers.ts";

/** Sends a command to the verbs peer and returns its answer, through send/receive work requests. */
async function ask(qp: QueuePair, box: MemoryRegion, text: string): Promise<string> {
  qp.postRecv({ wrId: 100, mr: box, offset: 2048, length: 2048 });
  const n = Buffer.from(box.bytes.buffer, box.bytes.byteOffset, 2048).write(text);
  qp.postSend({ wrId: 101, mr: box, length: n });
  for (;;) {
    const wc = await within(qp.cq.next(), 10000, `answer to ${text}`);
    assert.equal(wc.status, "success", wc.error?.message);
    if (wc.opcode === "recv") return Buffer.from(box.bytes.subarray(2048, 2048 + wc.byteLength)).toString();
  }
}

/** The next completion other than a send's (sends of ask() may complete after its answer arrives). */
async function next(qp: QueuePair, what: string) {
  for (;;) {
    const wc = await within(qp.cq.next(), 10000, what);
    if (wc.opcode !== "send") return wc;
  }
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

for (const transport of ["shm", "tcp"] as const) {
  describe(`verbs-style API over ${transport} between two processes`, () => {
    const dirs = scratch();
    let peer: Peer;
    let qp: QueuePair;
    let box: MemoryRegion;
    let rkey: number;

    before(async () => {
      peer = startPeer([dirs.shm], {}, "verbs-peer.ts");
      const { port } = (await peer.next()) as { port: number };
      const routes = new RouteTable(
        transport === "shm" ? [{ address: `127.0.0.1:${port}`, shm: dirs.shm }] : [],
      );
      qp = await within(
        connectQueuePair({ port, host: "127.0.0.1", routes, deadAfterMs: 600 }),
        10000,
        "connect",
      );
      box = qp.registerMemory(4096);
      rkey = Number((await ask(qp, box, "key")).split(" ")[1]);
    });
    after(async () => {
      await qp.close();
      await peer.stop();
      dirs.cleanup();
    });

    it(`runs over ${transport}`, () => {
      assert.equal(qp.transport, transport);
    });

    it("reads the peer's registered region one-sidedly", async () => {
      const local = qp.registerMemory(262144);
      qp.postRead({ wrId: 7, mr: local, rkey });
      const wc = await next(qp, "read completion");
      assert.deepEqual([wc.wrId, wc.opcode, wc.status, wc.byteLength], [7, "rdmaRead", "success", 262144]);
      for (let i = 0; i < local.length; i += 4099) assert.equal(local.bytes[i], (i * 7) & 255, `byte ${i}`);
    });

    it("writes into the peer's region one-sidedly; the peer sees exactly those bytes", async () => {
      const local = qp.registerMemory(100_000);
      for (let i = 0; i < local.length; i++) local.bytes[i] = (i * 13 + 1) & 255;
      qp.postWrite({ wrId: 8, mr: local, rkey, remoteOffset: 1000 });
      const wc = await next(qp, "write completion");
      assert.deepEqual([wc.opcode, wc.status, wc.byteLength], ["rdmaWrite", "success", 100_000]);
      assert.equal(await ask(qp, box, "sum 1000 101000"), `sum ${sha(local.bytes)}`);
    });

    it("rejects a wrong key and an out-of-bounds offset with clear errors, touching nothing", async () => {
      const before = await ask(qp, box, "sum 0 262144");
      const local = qp.registerMemory(4096);
      qp.postWrite({ wrId: 9, mr: local, rkey: (rkey ^ 0x5a5a) >>> 0 });
      const bad = await next(qp, "bad key completion");
      assert.equal(bad.status, "remoteAccessError");
      assert.equal(bad.error?.code, "MPM_E_VRDMA_BAD_KEY");
      qp.postWrite({ wrId: 10, mr: local, rkey, remoteOffset: 262144 - 100 });
      const oob = await next(qp, "out-of-bounds completion");
      assert.equal(oob.status, "remoteInvalidRequest");
      assert.match(oob.error?.message ?? "", /outside the region of 262144 bytes/);
      assert.throws(() => qp.postSend({ wrId: 11, mr: local, offset: 4000, length: 200 }), {
        code: "MPM_E_VRDMA_OUT_OF_BOUNDS",
      });
      assert.equal(await ask(qp, box, "sum 0 262144"), before, "a refused request changed the peer's memory");
    });

    it("gives deregistered memory back and refuses to post with it", () => {
      // Over shared memory each side has a 1 MiB heap, of which the tests above hold about 380 KB:
      // two regions of 600 KB in turn fit only if the first one's space comes back.
      for (let round = 0; round < 3; round++) {
        const big = qp.registerMemory(600_000);
        big.bytes.fill(round + 1);
        qp.deregisterMemory(big);
        assert.throws(() => qp.postSend({ wrId: 50, mr: big, length: 1 }), {
          code: "MPM_E_VRDMA_BAD_KEY",
          message: /deregistered/,
        });
      }
      if (transport === "shm") {
        assert.throws(() => qp.registerMemory(2 << 20), {
          code: "MPM_E_VRDMA_HEAP_FULL",
          message: /heap bytes \(at most \d+ in one piece\)/,
        });
      }
    });

    it("delivers 500 sends exactly once and in order", async () => {
      const msg = qp.registerMemory(500 * 16);
      for (let i = 0; i < 500; i++) {
        const n = Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset + i * 16, 16).write(`seq ${i}`);
        qp.postSend({ wrId: 1000 + i, mr: msg, offset: i * 16, length: n });
      }
      assert.equal(await ask(qp, box, "count"), "count 500 yes");
    });
  });
}

describe("verbs-style API faults", () => {
  it("flushes posted receives with an error when the peer is killed", async () => {
    const dirs = scratch();
    const peer = startPeer([dirs.shm], {}, "verbs-peer.ts");
    try {
      const { port } = (await peer.next()) as { port: number };
      const routes = new RouteTable([{ address: `127.0.0.1:${port}`, shm: dirs.shm }]);
      const qp = await connectQueuePair({ port, host: "127.0.0.1", routes, deadAfterMs: 500 });
      const errors: Error[] = [];
      qp.on("error", (e) => errors.push(e));
      const box = qp.registerMemory(64);
      qp.postRecv({ wrId: 1, mr: box });
      await peer.stop();
      const wc = await within(qp.cq.next(), 5000, "flushed completion");
      assert.equal(wc.status, "flushed");
      assert.equal(wc.error?.code, "MPM_E_VRDMA_PEER_LOST");
      assert.equal(errors[0] && (errors[0] as { code?: string }).code, "MPM_E_VRDMA_PEER_LOST");
      assert.throws(() => qp.postSend({ wrId: 2, mr: box }), { code: "MPM_E_VRDMA_CLOSED" });
    } finally {
      await peer.stop();
      dirs.cleanup();
    }
  });
});
