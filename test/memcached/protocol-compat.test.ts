import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { exchange, type RunningServer, startOurs, startReal } from "./servers.ts";

/**
 * Sends the same bytes to Debian's memcached 1.6 and to ours and requires the same replies. CAS values
 * differ by design (ours are per shard) and are masked; everything else must match byte for byte.
 * Each case runs on a fresh connection and ends with the meta no-op `mn`, whose `MN` marks the end.
 */
const b = (s: string) => Buffer.from(s, "latin1");
const big = (n: number) => "x".repeat(n);

const CASES: string[] = [
  "get\r\n",
  `get ${"a".repeat(251)}\r\n`,
  `get ${"a".repeat(250)}\r\n`,
  `set ${"k".repeat(251)} 0 0 1\r\nx\r\n`,
  "set k 0 0 -1\r\nx\r\n",
  "set k 0 0 3\r\nabcde\r\n",
  "set k abc 0 1\r\nx\r\n",
  "set k 0 0\r\n",
  "set k 0 0 1 2 3\r\nx\r\n",
  "set k 0 0 1 noreply\r\nx\r\nget k\r\n",
  "set k 0 0 1\r\nx\r\nincr k 1\r\n",
  "set n 0 0 2\r\n10\r\nincr n 5\r\ndecr n 100\r\nincr n abc\r\nincr n -1\r\n",
  "set n 0 0 2\r\n10\r\nincr n 18446744073709551615\r\nincr n 2\r\n",
  "set n 0 0 3\r\n100\r\ndecr n 1\r\nget n\r\nincr n 1\r\nget n\r\n",
  "set n 0 0 3\r\n007\r\nincr n 1\r\nget n\r\n",
  "set n 0 0 4\r\n12ab\r\nincr n 1\r\nset e 0 0 0\r\n\r\nincr e 1\r\n",
  "incr n 99999999999999999999\r\nincr nope 1\r\ndecr nope 1\r\n",
  "set k 0 0 1\r\nx\r\ndelete k 0\r\ndelete k\r\ndelete k 5\r\ndelete k noreply\r\ndelete k 0 noreply\r\ndelete a b c d\r\n",
  "set k 0 0 1\r\nx\r\ntouch k 10\r\ntouch zz 10\r\ntouch k abc\r\ntouch k\r\n",
  "set k 0 0 1\r\nx\r\ngat 100 k zz\r\ngat\r\ngat 10\r\ngat abc k\r\n",
  "cas zz 0 0 1 99\r\nx\r\ncas k 0 0 1\r\nx\r\ncas k 0 0 1 abc\r\nx\r\n",
  "set k 0 0 1\r\nx\r\ncas k 0 0 1 0\r\ny\r\nget k\r\n",
  "verbosity 1\r\nverbosity\r\nverbosity abc\r\nverbosity 1 noreply\r\n",
  "flush_all\r\nflush_all 0\r\nflush_all abc\r\nflush_all -1\r\nflush_all 1 2\r\nflush_all 0 noreply\r\n",
  "set k 0 0 1\r\nx\r\nflush_all\r\nget k\r\n",
  "bogus\r\n\r\nGET k\r\nincr\r\ntouch\r\ngets\r\ndelete\r\nshutdown\r\nversion x\r\n",
  `set big 0 0 2000000\r\n${big(2000000)}\r\nget big\r\n`,
  `set k 0 0 1\r\nx\r\nset k 0 0 2000000\r\n${big(2000000)}\r\nget k\r\n`,
  `set k 0 0 1\r\nx\r\nappend k 0 0 2000000\r\n${big(2000000)}\r\nget k\r\n`,
  `set k 0 0 2000000 noreply\r\n${big(2000000)}\r\nget k\r\n`,
  `set k 0 0 1048516\r\n${big(1048516)}\r\nset k 0 0 1048517\r\n${big(1048517)}\r\n`,
  `set k 5 0 1048512\r\n${big(1048512)}\r\nset k 5 0 1048513\r\n${big(1048513)}\r\n`,
  "set e 0 -1 1\r\nx\r\nget e\r\n",
  "set e 0 1000 1\r\nx\r\nget e\r\nset e 0 1 1\r\nx\r\nget e\r\n",
  "set a 0 5000000000 1\r\nx\r\nget a\r\n",
  "append zz 0 0 1\r\nx\r\nprepend zz 0 0 1\r\nx\r\nreplace zz 0 0 1\r\nx\r\nadd zz 0 0 1\r\nx\r\nadd zz 0 0 1\r\ny\r\nget zz\r\n",
  "set p 0 0 1\r\nb\r\nappend p 0 0 1\r\nc\r\nprepend p 7 0 1\r\na\r\nget p\r\n",
  "set f 4294967296 0 1\r\nx\r\nget f\r\nset f 4294967297 0 1\r\nx\r\nget f\r\nset f -1 0 1\r\nx\r\n",
  "set f 18446744073709551616 0 1\r\nx\r\nset f 0 0 01\r\nx\r\nset f 0 0 abc\r\nx\r\nset f 0 0 1abc\r\nx\r\n",
  "set k 0 0 1\r\nxyz\r\nget k\r\n",
  "set k 0 0 1\nx\nget k\n",
  "set t\t0 0 1\r\nx\r\n",
  "set k 0 0 1\r\nx\r\nset n 0 0 1\r\ny\r\n  get k\r\nget k  n\r\nget k\r\r\n",
  "set k 0 0 1 norepl\r\nx\r\nstats reset\r\nstats bogus\r\n",
  "set m 0 0 1\r\nx\r\nget m a b c d e f g h i j k l m n o p q r s t u v w x y z m\r\n",
];

function maskCas(reply: Buffer): string {
  return reply.toString("latin1").replace(/^(VALUE \S+ \d+ \d+) \d+\r$/gm, "$1 <cas>\r");
}

describe("text protocol matches memcached 1.6 byte for byte", { timeout: 120_000 }, () => {
  let real: RunningServer;
  let ours: RunningServer;
  before(async () => {
    [real, ours] = await Promise.all([startReal(), startOurs(["-t", "2"])]);
  });
  after(async () => {
    await Promise.all([real?.stop(), ours?.stop()]);
  });

  for (const text of CASES) {
    it(JSON.stringify(text.slice(0, 60)), async () => {
      const data = b(`flush_all noreply\r\n${text}mn\r\n`);
      const until = (r: Buffer) => r.toString("latin1").endsWith("MN\r\n");
      const [want, got] = await Promise.all([
        exchange(real.port, data, until),
        exchange(ours.port, data, until),
      ]);
      assert.equal(maskCas(got.reply), maskCas(want.reply));
      assert.equal(got.closed, want.closed);
    });
  }

  for (const text of ["quit\r\nget k\r\n", "GET / HTTP/1.1\r\n", "bogus HTTP/1.0\r\n"]) {
    it(`closes like memcached: ${JSON.stringify(text)}`, async () => {
      const [want, got] = await Promise.all([
        exchange(real.port, b(text), () => false),
        exchange(ours.port, b(text), () => false),
      ]);
      assert.equal(want.closed, true);
      assert.equal(got.closed, true);
      assert.equal(got.reply.toString("latin1"), want.reply.toString("latin1"));
    });
  }

  it("runs nothing a client sends after quit, even in a later packet", async () => {
    const lateSet = async (port: number) => {
      const { Socket } = await import("node:net");
      // Half-open, so the client can still send once the server has closed its side.
      const s = new Socket({ allowHalfOpen: true });
      s.on("error", () => {});
      s.connect(port, "127.0.0.1");
      await new Promise((r) => s.once("connect", r));
      s.write("quit\r\n");
      await new Promise((r) => setTimeout(r, 50));
      s.write("set after-quit 0 0 1\r\ny\r\n");
      await new Promise((r) => setTimeout(r, 200));
      s.destroy();
      const { reply } = await exchange(port, b("get after-quit\r\n"), (r) =>
        r.toString().endsWith("END\r\n"),
      );
      return reply.toString("latin1");
    };
    assert.equal(await lateSet(real.port), "END\r\n");
    assert.equal(await lateSet(ours.port), "END\r\n");
  });

  it("closes a connection that sends 3000 bytes without a newline (not a get)", async () => {
    const send = async (port: number) => {
      const { Socket } = await import("node:net");
      const s = new Socket();
      s.connect(port, "127.0.0.1");
      await new Promise((r) => s.once("connect", r));
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 3000);
        s.on("close", () => {
          clearTimeout(timer);
          resolve(true);
        });
        s.on("error", () => {});
        s.write("x".repeat(1000));
        setTimeout(() => s.write("x".repeat(2000)), 100);
      });
    };
    assert.equal(await send(real.port), true);
    assert.equal(await send(ours.port), true);
  });
});
