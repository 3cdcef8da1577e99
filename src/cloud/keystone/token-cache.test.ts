import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import type { PasswordAuth } from "../config/cloud-config.ts";
import { Secret } from "../config/secret.ts";
import { TokenCache } from "./token-cache.ts";

const auth = (password: string): PasswordAuth => ({
  type: "password",
  authUrl: "https://k/v3",
  user: { name: "demo" },
  userDomain: { id: "default" },
  password: new Secret(password),
  project: { name: "demo" },
  projectDomain: { id: "default" },
});

test("tokens are reused until 10 minutes before expiry, keyed by identity and never by the secret", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "mpm-tokens-"));
  try {
    const cache = new TokenCache(dir);
    const now = Date.parse("2026-12-04T12:00:00Z");
    await cache.put(auth("first-password"), { value: "tok", expiresAt: now + 11 * 60_000, catalog: [] });
    assert.equal(cache.fileFor(auth("first-password")), cache.fileFor(auth("other-password")));
    assert.equal((await cache.get(auth("first-password"), now))?.value, "tok");
    assert.equal(await cache.get(auth("first-password"), now + 2 * 60_000), undefined);
    const text = await readFile(cache.fileFor(auth("x")), "utf8");
    assert.ok(!text.includes("first-password"));
    await cache.drop(auth("x"));
    assert.equal(await cache.get(auth("x"), now), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
