import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connect } from "node:tls";
import { AgentClient } from "../../src/agent/client/agent-client.ts";
import { MONITORING_LISTINGS } from "../../src/agent/listings.ts";
import { startCliAgent } from "./start-agent.ts";

const openssl = (args: string[], cwd: string) =>
  execFileSync("openssl", args, { cwd, stdio: "ignore", timeout: 30_000 });

/** A CA, a server pair for 127.0.0.1 and a client pair signed by the CA, plus a client pair from another CA. */
function makeCerts(dir: string): void {
  const subj = (cn: string) => ["-subj", `/CN=${cn}`];
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      ...subj("osv-certs"),
    ],
    dir,
  );
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "rogue.key",
      "-out",
      "rogue.pem",
      "-days",
      "2",
      ...subj("rogue"),
    ],
    dir,
  );
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  for (const [name, ca] of [
    ["server", "ca"],
    ["client", "ca"],
    ["intruder", "rogue"],
  ] as const) {
    openssl(
      [
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
        ...subj(name),
      ],
      dir,
    );
    const ext = name === "server" ? ["-extfile", "san.ext"] : [];
    openssl(
      [
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        `${ca}.pem`,
        "-CAkey",
        `${ca}.key`,
        "-CAcreateserial",
        "-out",
        `${name}.pem`,
        "-days",
        "2",
        ...ext,
      ],
      dir,
    );
  }
}

describe("agent TLS with mandatory client certificates", { timeout: 120_000 }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mpm-agent-tls-"));
    makeCerts(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("a CA-signed client is served; none, a foreign one, or TLS 1.1 is refused", async () => {
    const p = (f: string) => join(dir, f);
    const agent = await startCliAgent([
      "--ssl",
      "--cert",
      p("server.pem"),
      "--key",
      p("server.key"),
      "--cacert",
      p("ca.pem"),
    ]);
    try {
      assert.match(agent.url, /^https:/);
      const good = new AgentClient(agent.url, {
        tls: { cert: p("client.pem"), key: p("client.key"), cacert: p("ca.pem"), noVerify: false },
      });
      assert.equal(await good.get("/os/name"), "OSv");
      const rogue = new AgentClient(agent.url, {
        tls: { cert: p("intruder.pem"), key: p("intruder.key"), cacert: p("ca.pem"), noVerify: false },
      });
      await assert.rejects(rogue.get("/os/name"), { code: "MPM_E_AGENT_UNREACHABLE" });
      const handshake = (opts: object) =>
        new Promise<string>((resolve) => {
          const s = connect({ host: "127.0.0.1", port: agent.port, ca: readFileSync(p("ca.pem")), ...opts });
          s.on("secureConnect", () => {
            s.write("GET /os/name HTTP/1.0\r\n\r\n");
          });
          let data = "";
          s.on("data", (c: Buffer) => {
            data += c.toString();
          });
          s.on("error", () => resolve("refused"));
          s.on("close", () => resolve(data.includes('"OSv"') ? "served" : "refused"));
          s.setTimeout(10_000, () => s.destroy());
        });
      assert.equal(await handshake({}), "refused", "no client certificate");
      assert.equal(
        await handshake({
          cert: readFileSync(p("client.pem")),
          key: readFileSync(p("client.key")),
          maxVersion: "TLSv1.1",
          minVersion: "TLSv1",
        }),
        "refused",
        "TLS 1.1",
      );
      assert.equal(
        await handshake({ cert: readFileSync(p("client.pem")), key: readFileSync(p("client.key")) }),
        "served",
      );
    } finally {
      await agent.stop();
    }
  });

  test("missing TLS files stop startup with a clear error", async () => {
    await assert.rejects(
      startCliAgent(["--ssl", "--cert", join(dir, "nope.pem"), "--key", "k", "--cacert", "c"]),
      /MPM_E_AGENT_CONFIG: Not found: .*nope\.pem/,
    );
  });
});

describe("agent read-only mode, CORS and size limits", { timeout: 60_000 }, () => {
  test("read-only serves exactly OSv's monitoring subset", async () => {
    const agent = await startCliAgent(["--read-only"]);
    try {
      const client = new AgentClient(agent.url);
      assert.equal(await client.get("/os/name"), "OSv");
      for (const [method, path] of [
        ["POST", "/os/hostname?name=x"],
        ["POST", "/os/cmdline?cmdline=x"],
        ["PUT", "/app/?command=/bin/true"],
        ["POST", "/env/X?val=1"],
        ["DELETE", "/env/HOME"],
        ["PUT", "/file/x?op=MKDIRS"],
        ["GET", "/trace/status"],
        ["POST", "/os/poweroff"],
      ] as const) {
        const res = await client.request(method, path);
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.deepEqual(JSON.parse(res.body.toString()), { message: "Not found", code: 404 });
      }
      const index = (await client.get("/api-doc")) as { apis: { path: string }[] };
      assert.deepEqual(
        index.apis.map((a) => a.path.slice(1)),
        Object.keys(MONITORING_LISTINGS),
      );
      assert.equal(agent.proc.exitCode, null, "still running after refused power operation");
    } finally {
      await agent.stop();
    }
  });

  test("CORS allow-list answers allowed origins only; bodies over --max-body get 413", async () => {
    const agent = await startCliAgent(["--access-allow", "http://good.example", "--max-body", "1000"]);
    try {
      const client = new AgentClient(agent.url);
      const allowed = await client.request("OPTIONS", "/os/name", {
        headers: {
          Origin: "http://good.example",
          "Access-Control-Request-Method": "GET",
          "Access-Control-Request-Headers": "x-a",
        },
      });
      assert.equal(allowed.headers["access-control-allow-origin"], "http://good.example");
      assert.equal(allowed.headers["access-control-allow-methods"], "GET, POST, PUT, OPTIONS, DELETE");
      assert.equal(allowed.headers["access-control-allow-headers"], "x-a");
      const other = await client.request("GET", "/os/name", { headers: { Origin: "http://evil.example" } });
      assert.equal(other.headers["access-control-allow-origin"], undefined);
      const big = await client.request("POST", "/env/X", {
        body: `val=${"a".repeat(5000)}`,
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      assert.equal(big.status, 413);
      assert.equal(JSON.parse(big.body.toString()).code, 413);
      assert.equal(process.env["X"], undefined);
    } finally {
      await agent.stop();
    }
  });
});

describe("/file never escapes its root", { timeout: 60_000 }, () => {
  let dir: string;
  let outside: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mpm-agent-file-"));
    outside = join(dir, "outside");
    mkdirSync(join(dir, "root", "sub"), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, "secret"), "secret");
    writeFileSync(join(dir, "root", "inside.txt"), "inside");
    symlinkSync(outside, join(dir, "root", "link-dir"));
    symlinkSync(join(outside, "secret"), join(dir, "root", "link-file"));
    symlinkSync("../../outside/secret", join(dir, "root", "sub", "rel-link"));
    symlinkSync("../inside.txt", join(dir, "root", "sub", "ok-link"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("reads, writes, listings, copies and renames through links or .. are refused; the outside is untouched", async () => {
    const agent = await startCliAgent(["--file-root", join(dir, "root")]);
    try {
      const client = new AgentClient(agent.url);
      const refused: [string, string][] = [
        ["GET", "/file/link-file?op=GET"],
        ["GET", "/file/link-dir/secret?op=GET"],
        ["GET", "/file/sub/rel-link?op=GET"],
        ["GET", "/file/link-dir?op=LISTSTATUS"],
        ["GET", "/file/link-dir/secret?op=GETFILESTATUS"],
        ["PUT", "/file/link-dir/new?op=WRITE&content=x"],
        ["PUT", "/file/link-file?op=WRITE&content=x&overwrite=true"],
        ["PUT", "/file/link-dir/made?op=MKDIRS"],
        ["PUT", "/file/link-file?op=COPY&destination=/copied"],
        ["PUT", "/file/inside.txt?op=COPY&destination=/link-dir/copied"],
        ["PUT", "/file/inside.txt?op=RENAME&destination=/link-dir/moved"],
        ["DELETE", "/file/link-dir/secret?op=DELETE"],
        ["GET", "/file/%2e%2e/outside/secret?op=GET"],
      ];
      for (const [method, path] of refused) {
        const res = await client.request(method, path);
        assert.ok(res.status === 403 || res.status === 400, `${method} ${path} gave ${res.status}`);
        assert.ok(!res.body.toString().includes('secret"'), `${method} ${path} leaked`);
      }
      assert.equal((await client.request("GET", "/file/link-file?op=GET")).body.includes("secret"), false);
      assert.deepEqual(
        JSON.parse((await client.request("GET", "/file/link-file?op=GET")).body.toString()).code,
        403,
      );
      assert.equal(readFileSync(join(outside, "secret"), "utf8"), "secret");
      // The root's own ".." describes the root, not its parent; a link inside the root still works.
      const list = (await client.get("/file//?op=LISTSTATUS")) as { pathSuffix: string }[];
      assert.ok(list.some((e) => e.pathSuffix === "inside.txt"));
      assert.equal((await client.request("GET", "/file/sub/ok-link?op=GET")).body.toString(), "inside");
      const status = (await client.get("/file/link-dir?op=GETFILESTATUS")) as {
        type: string;
        symlink: string;
      };
      assert.equal(status.type, "SYMLINK");
      // Deleting the link removes the link only.
      assert.equal((await client.request("DELETE", "/file/link-dir?op=DELETE")).status, 200);
      assert.equal(readFileSync(join(outside, "secret"), "utf8"), "secret");
    } finally {
      await agent.stop();
    }
  });
});
