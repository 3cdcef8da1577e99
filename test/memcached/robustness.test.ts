import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { exchange, type RunningServer, startOurs } from "./servers.ts";

const endsWith = (s: string) => (r: Buffer) => r.toString("latin1").endsWith(s);

async function connect(port: number): Promise<Socket> {
  const s = new Socket();
  s.connect(port, "127.0.0.1");
  await once(s, "connect");
  s.on("error", () => {});
  return s;
}

/** Resident memory of the server process, in MiB (from /proc). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1]) / 1024;
}

async function stillServes(port: number): Promise<void> {
  const { reply } = await exchange(
    port,
    Buffer.from("set alive 0 0 2\r\nok\r\nget alive\r\n"),
    endsWith("END\r\n"),
    // Generous: the machine may be shared with other test runs; what matters is that it answers.
    30_000,
  );
  assert.equal(reply.toString(), "STORED\r\nVALUE alive 0 2\r\nok\r\nEND\r\n");
}

describe("robustness of mpm memcached", { timeout: 180_000 }, () => {
  let server: RunningServer;
  before(async () => {
    // 10,000 idle connections need more descriptors than the usual 1024.
    server = await startOurs(["-t", "2", "-c", "12000", "-b", "2048"], "ulimit -n 16384");
  });
  after(async () => {
    await server?.stop();
  });

  it("survives clients that vanish in the middle of a request", async () => {
    const partials = [
      "set k 0 0 100\r\nabc",
      `get ${"key ".repeat(600)}`,
      "gets a b c",
      "\x80\x01\x00\x05\x08\x00\x00\x00\x00\x00\x00\x20",
      `set big 0 0 500000\r\n${"x".repeat(100000)}`,
    ];
    for (const p of partials) {
      const s = await connect(server.port);
      s.write(Buffer.from(p, "latin1"));
      await new Promise((r) => setTimeout(r, 20));
      s.destroy();
    }
    // A client that leaves while its multi-get reply is being written.
    const s = await connect(server.port);
    s.write(`set v 0 0 5000\r\n${"v".repeat(5000)}\r\n${"get v v v v v v v v v v\r\n".repeat(50)}`);
    await new Promise((r) => setTimeout(r, 30));
    s.destroy();
    await stillServes(server.port);
  });

  it("refuses to increment a value of a million digits and goes on serving", async () => {
    const digits = "1".repeat(1_000_000);
    const { reply } = await exchange(
      server.port,
      Buffer.from(`set huge 0 0 ${digits.length}\r\n${digits}\r\nincr huge 1\r\n`),
      endsWith("value\r\n"),
    );
    assert.equal(
      reply.toString(),
      "STORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n",
    );
    await stillServes(server.port);
  });

  it("rejects malformed binary requests the way memcached does", async () => {
    const header = Buffer.alloc(24);
    header[0] = 0x80;
    header[1] = 0x00;
    header.writeUInt16BE(251, 2);
    header.writeUInt32BE(251, 8);
    const { reply, closed } = await exchange(
      server.port,
      Buffer.concat([header, Buffer.alloc(251, 0x61)]),
      () => false,
      3000,
    );
    assert.equal(closed, true);
    assert.equal(reply.readUInt16BE(6), 0x04, "status Invalid arguments");
    assert.equal(reply.subarray(24).toString(), "Invalid arguments");
    const bad = await exchange(
      server.port,
      Buffer.from("\x80garbage-with-no-header-sense-at-all", "latin1"),
      () => false,
    );
    assert.equal(bad.closed, true);
    await stillServes(server.port);
  });

  it("bounds memory for a client that sends requests but never reads", async () => {
    const value = "z".repeat(100_000);
    await exchange(
      server.port,
      Buffer.from(`set fat 0 0 ${value.length}\r\n${value}\r\n`),
      endsWith("STORED\r\n"),
    );
    const before = rssMb(server.child.pid!);
    const slow = await connect(server.port);
    slow.pause();
    // 20,000 gets of 100 kB = 2 GB of replies if the server buffered them all.
    const burst = Buffer.from("get fat\r\n".repeat(1000));
    for (let i = 0; i < 20; i++) slow.write(burst);
    await new Promise((r) => setTimeout(r, 1500));
    await stillServes(server.port);
    const grown = rssMb(server.child.pid!) - before;
    slow.destroy();
    assert.ok(grown < 300, `server grew by ${grown.toFixed(0)} MiB for a client that does not read`);
  });

  it("holds 10,000 idle connections and still serves others", async () => {
    const settings = await exchange(server.port, Buffer.from("stats settings\r\n"), endsWith("END\r\n"));
    assert.match(settings.reply.toString(), /STAT tcp_backlog 2048\r\n/);
    // Batches of 500, each once the server has accepted the previous ones: a burst beyond the accept
    // queues is dropped by the kernel after the client saw it connect (on a busy CI machine, 67 of 10,000).
    const script = `
      const net = require("node:net");
      const sockets = [];
      const stats = net.connect(${server.port}, "127.0.0.1");
      let text = "";
      const accepted = () => new Promise((resolve) => {
        text = "";
        const onData = (d) => {
          text += d;
          if (!text.endsWith("END\\r\\n")) return;
          stats.off("data", onData);
          resolve(Number(/curr_connections (\\d+)/.exec(text)[1]));
        };
        stats.on("data", onData);
        stats.write("stats\\r\\n");
      });
      const batch = (n) => Promise.all(Array.from({ length: n }, () => new Promise((resolve) => {
        const s = net.connect(${server.port}, "127.0.0.1", resolve);
        s.on("error", (e) => { console.log("error " + e.code); process.exit(1); });
        sockets.push(s);
      })));
      (async () => {
        while (sockets.length < 10000) {
          await batch(500);
          // curr_connections counts the stats connection too.
          while ((await accepted()) < sockets.length + 1) await new Promise((r) => setTimeout(r, 20));
        }
        console.log("open " + sockets.length);
      })();
      process.stdin.on("data", () => process.exit(0));
    `;
    const child = spawn("sh", ["-c", `ulimit -n 16384 && exec "${process.execPath}" -e '${script}'`], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("connections did not open in 60 s")), 60_000);
        child.stdout!.on("data", (d) => {
          clearTimeout(timer);
          resolve(String(d));
        });
      });
      assert.match(line, /open 10000/);
      await stillServes(server.port);
      // The client has connected; the server may still be accepting the last ones.
      let curr = 0;
      for (let tries = 0; tries < 60 && curr < 10000; tries++) {
        const { reply } = await exchange(server.port, Buffer.from("stats\r\n"), endsWith("END\r\n"), 30_000);
        curr = Number(/STAT curr_connections (\d+)/.exec(reply.toString())?.[1]);
        if (curr < 10000) await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(curr >= 10000, `curr_connections ${curr}`);
      assert.ok(rssMb(server.child.pid!) < 1024, "memory for 10,000 idle connections stays under 1 GiB");
    } finally {
      child.stdin!.write("x");
      const exited = once(child, "exit");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      await exited;
    }
    await stillServes(server.port);
  });
});
