import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { MpmError } from "../../errors/mpm-error.ts";
import { Secret } from "../config/secret.ts";
import { findImageEndpoint } from "./catalog.ts";
import { parseTokenResponse, tokenRequestBody, tokensUrl } from "./keystone-auth.ts";

/** A token response recorded from Keystone v3 (the Glance URL is a placeholder the e2e tests fill in). */
const recorded = JSON.parse(
  readFileSync(new URL("../../../test/cloud/fixtures/keystone-token-password.json", import.meta.url), "utf8"),
);

test("the tokens URL is found with or without /v3", () => {
  assert.equal(tokensUrl("https://k:5000"), "https://k:5000/v3/auth/tokens");
  assert.equal(tokensUrl("https://k:5000/v3/"), "https://k:5000/v3/auth/tokens");
  assert.equal(tokensUrl("https://k/identity/v3"), "https://k/identity/v3/auth/tokens");
});

test("password bodies name the user by id or by name in its domain, scoped to the project", () => {
  const base = {
    type: "password" as const,
    authUrl: "http://k",
    password: new Secret("pw"),
    projectDomain: { id: "default" },
  };
  assert.deepEqual(
    tokenRequestBody({ ...base, user: { id: "u1" }, userDomain: { id: "default" }, project: { id: "p1" } }),
    {
      auth: {
        identity: { methods: ["password"], password: { user: { id: "u1", password: "pw" } } },
        scope: { project: { id: "p1" } },
      },
    },
  );
  const byName = tokenRequestBody({
    ...base,
    user: { name: "demo" },
    userDomain: { name: "Users" },
    project: { name: "demo" },
  }) as {
    auth: { identity: { password: { user: unknown } }; scope: unknown };
  };
  assert.deepEqual(byName.auth.identity.password.user, {
    name: "demo",
    domain: { name: "Users" },
    password: "pw",
  });
  assert.deepEqual(byName.auth.scope, { project: { name: "demo", domain: { id: "default" } } });
});

test("application credentials by id, or by name with their user", () => {
  const base = {
    type: "applicationCredential" as const,
    authUrl: "http://k",
    secret: new Secret("s"),
    userDomain: { id: "default" },
  };
  assert.deepEqual(tokenRequestBody({ ...base, credential: { id: "c1" }, user: {} }), {
    auth: {
      identity: { methods: ["application_credential"], application_credential: { id: "c1", secret: "s" } },
    },
  });
  assert.deepEqual(tokenRequestBody({ ...base, credential: { name: "ci" }, user: { name: "demo" } }), {
    auth: {
      identity: {
        methods: ["application_credential"],
        application_credential: {
          name: "ci",
          user: { name: "demo", domain: { id: "default" } },
          secret: "s",
        },
      },
    },
  });
});

test("a recorded token response gives the token, its expiry and the image endpoint by interface and region", () => {
  const token = parseTokenResponse("gAAAA-token", recorded, "http://k/v3/auth/tokens");
  assert.equal(token.value, "gAAAA-token");
  assert.equal(token.expiresAt, Date.parse("2026-12-05T09:00:00Z"));
  const find = (iface: "public" | "internal", region: string | undefined) =>
    findImageEndpoint(token.catalog, { interface: iface, region, cloud: "c" });
  assert.equal(find("public", undefined), "GLANCE_URL");
  assert.equal(find("internal", "RegionOne"), "http://glance.internal:9292");
  assert.equal(find("public", "RegionTwo"), "http://glance.region-two.example:9292/v2");
  assert.throws(
    () => find("internal", "RegionTwo"),
    (err: unknown) => err instanceof MpmError && err.code === "MPM_E_CLOUD_NO_ENDPOINT",
  );
  assert.throws(
    () => parseTokenResponse(null, recorded, "http://k/v3/auth/tokens"),
    (err: unknown) => err instanceof MpmError && err.code === "MPM_E_CLOUD_REQUEST",
  );
});
