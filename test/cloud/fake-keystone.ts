import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";

const FIXTURES = new URL("./fixtures/", import.meta.url);

/** Replays recorded Keystone v3 responses on loopback and records what clients sent. */
export interface FakeKeystone {
  readonly url: string;
  /** Bodies of the POST /v3/auth/tokens requests received, parsed. */
  readonly tokenRequests: unknown[];
  /** Tokens handed out, in order. */
  readonly issued: string[];
  close(): Promise<void>;
}

export interface FakeKeystoneOptions {
  /** Put into the catalogue's public RegionOne image endpoint. */
  readonly glanceUrl: string;
  /** Answer 401 with Keystone's recorded error instead of issuing tokens. */
  readonly reject?: boolean;
}

export async function startFakeKeystone(options: FakeKeystoneOptions): Promise<FakeKeystone> {
  const tokenRequests: unknown[] = [];
  const issued: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v3/auth/tokens") {
        res.writeHead(404).end();
        return;
      }
      tokenRequests.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      if (options.reject) {
        res
          .writeHead(401, { "content-type": "application/json" })
          .end(readFileSync(new URL("keystone-401.json", FIXTURES)));
        return;
      }
      // The recorded response, with the Glance under test in the catalogue and an expiry ahead of now.
      const token = `gAAAAAB-recorded-${issued.length + 1}`;
      issued.push(token);
      const body = readFileSync(new URL("keystone-token-password.json", FIXTURES), "utf8")
        .replace("GLANCE_URL", options.glanceUrl)
        .replace("2026-12-05T09:00:00.000000Z", new Date(Date.now() + 12 * 3600_000).toISOString());
      res.writeHead(201, { "content-type": "application/json", "x-subject-token": token }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tokenRequests,
    issued,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
