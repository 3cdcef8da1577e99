import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import memjs from "memjs";
import { type RunningServer, startOurs } from "./servers.ts";

const run = promisify(execFile);

/** Real clients against our server: libmemcached's tools, memcaslap with verification, memjs (binary). */
describe("memcached clients against mpm memcached (2 shards)", { timeout: 120_000 }, () => {
  let server: RunningServer;
  let dir: string;
  let servers: string;
  before(async () => {
    server = await startOurs(["-t", "2"]);
    servers = `--servers=127.0.0.1:${server.port}`;
    dir = mkdtempSync(join(tmpdir(), "mpm-mc-"));
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const binary of [false, true]) {
    const proto = binary ? ["--binary"] : [];
    it(`memccp, memccat, memcrm and memcflush round-trip files (${binary ? "binary" : "text"})`, async () => {
      const files = ["a.txt", "b.bin", "c.dat"].map((name, i) => {
        const path = join(dir, `${binary ? "b" : "t"}-${name}`);
        writeFileSync(path, Buffer.alloc(1000 * (i + 1) ** 3, i + 65));
        return path;
      });
      await run("memccp", [servers, ...proto, ...files]);
      for (const f of files) {
        const { stdout } = await run("memccat", [servers, ...proto, f.split("/").pop()!], {
          encoding: "buffer",
        });
        // memccat prints a newline after each value.
        assert.equal(Buffer.compare(stdout, Buffer.concat([readFileSync(f), Buffer.from("\n")])), 0);
      }
      const key = files[0]!.split("/").pop()!;
      await run("memcrm", [servers, ...proto, key]);
      await assert.rejects(run("memccat", [servers, ...proto, key]));
      await run("memcflush", [servers, ...proto]);
      await assert.rejects(run("memccat", [servers, ...proto, files[1]!.split("/").pop()!]));
    });
  }

  it("memcstat reports memcached's fields", async () => {
    const { stdout } = await run("memcstat", [servers]);
    for (const field of [
      "pid",
      "uptime",
      "curr_items",
      "get_hits",
      "cmd_get",
      "bytes",
      "limit_maxbytes",
      "threads",
    ]) {
      assert.match(stdout, new RegExp(`\\b${field}: \\d+`), field);
    }
  });

  it("memccapable passes every ascii and binary compliance test", async () => {
    const { stdout } = await run("memccapable", ["-h", "127.0.0.1", "-p", String(server.port)], {
      timeout: 60_000,
    });
    assert.match(stdout, /All tests passed/);
    assert.doesNotMatch(stdout, /\[fail\]/);
  });

  it("memcaslap verifies every value it reads back (90% get / 10% set)", async () => {
    const { stdout } = await run(
      "memcaslap",
      [`-s`, `127.0.0.1:${server.port}`, "-t", "3s", "-T", "2", "-c", "16", "-v", "1.0", "-X", "100"],
      { timeout: 60_000 },
    );
    const num = (name: string) => Number(new RegExp(`${name}: (\\d+)`).exec(stdout)?.[1]);
    assert.ok(num("cmd_get") > 1000, stdout);
    assert.equal(num("verify_failed"), 0, stdout);
    assert.equal(num("verify_misses"), 0, stdout);
  });

  it("memjs (binary protocol) sets, gets, increments and deletes", async () => {
    const client = memjs.Client.create(`127.0.0.1:${server.port}`, { retries: 0, timeout: 5 });
    try {
      for (let i = 0; i < 50; i++) await client.set(`memjs-${i}`, `value-${i}`, { expires: 0 });
      for (let i = 0; i < 50; i++) {
        const { value } = await client.get(`memjs-${i}`);
        assert.equal(value?.toString(), `value-${i}`);
      }
      await client.set("counter", "41", {});
      const { value } = await client.increment("counter", 1, {});
      assert.equal(value, 42);
      assert.equal(await client.delete("memjs-0"), true);
      assert.equal((await client.get("memjs-0")).value, null);
      assert.equal(await client.add("memjs-1", "again", {}), false);
    } finally {
      client.close();
    }
  });
});
