import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { type FakeKeystone, startFakeKeystone } from "./fake-keystone.ts";
import { mpm } from "./mpm-cli.ts";

const PASSWORD = "s3cret-Pa55word-never-printed";
const APP_SECRET = "app-cred-secret-never-printed";

/** A stand-in image service that accepts only the tokens in `valid` and records the tokens it saw. */
let images: http.Server;
let imagesUrl: string;
const seenTokens: string[] = [];
let valid: (token: string) => boolean = () => true;
let keystone: FakeKeystone;
let work: string;

before(async () => {
  images = http.createServer((req, res) => {
    const token = String(req.headers["x-auth-token"] ?? "");
    seenTokens.push(token);
    if (!valid(token)) {
      res
        .writeHead(401, { "content-type": "text/html" })
        .end(
          "<html><body><h1>401 Unauthorized</h1>This server could not verify that you are authorized.<br /></body></html>",
        );
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ images: [] }));
  });
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
  imagesUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise((resolve) => images.close(resolve));
});

beforeEach(async () => {
  await keystone?.close();
  if (work) await rm(work, { recursive: true, force: true });
  keystone = await startFakeKeystone({ glanceUrl: imagesUrl });
  work = await mkdtemp(path.join(tmpdir(), "mpm-keystone-"));
  seenTokens.length = 0;
  valid = () => true;
  await writeFile(
    path.join(work, "clouds.yaml"),
    [
      "clouds:",
      "  kc:",
      "    auth_type: password",
      "    region_name: RegionOne",
      "    auth:",
      `      auth_url: ${keystone.url}`,
      "      username: demo",
      "      project_name: demo",
      "      user_domain_name: Default",
      "      project_domain_name: Default",
      "  elsewhere:",
      "    region_name: RegionNine",
      "    auth:",
      `      auth_url: ${keystone.url}/v3`,
      "      username: demo",
      `      password: ${PASSWORD}`,
      "",
    ].join("\n"),
  );
  // The password lives in secure.yaml beside clouds.yaml, as openstacksdk allows.
  await writeFile(path.join(work, "secure.yaml"), `clouds:\n  kc:\n    auth:\n      password: ${PASSWORD}\n`);
});

after(async () => {
  await keystone?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const env = () => ({ MPM_CACHE: path.join(work, "cache"), HOME: work });

test("password auth: one token request, the catalogue's image endpoint, and the token cached for the next command", async () => {
  for (let i = 0; i < 2; i++) {
    const result = await mpm(["images", "--cloud", "kc"], { cwd: work, env: env() });
    assert.equal(result.code, 0, result.stderr);
  }
  assert.equal(keystone.tokenRequests.length, 1);
  assert.deepEqual(keystone.tokenRequests[0], {
    auth: {
      identity: {
        methods: ["password"],
        password: { user: { name: "demo", domain: { name: "Default" }, password: PASSWORD } },
      },
      scope: { project: { name: "demo", domain: { name: "Default" } } },
    },
  });
  assert.deepEqual(seenTokens, [keystone.issued[0], keystone.issued[0]]);
  const dir = path.join(work, "cache", "cloud", "tokens");
  const [file] = await readdir(dir);
  assert.equal((await stat(path.join(dir, file!))).mode & 0o777, 0o600);
});

test("a cached token the cloud revoked is replaced by a fresh one and the request repeated", async () => {
  assert.equal((await mpm(["images", "--cloud", "kc"], { cwd: work, env: env() })).code, 0);
  valid = (token) => token !== keystone.issued[0];
  const result = await mpm(["images", "--cloud", "kc"], { cwd: work, env: env() });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(keystone.tokenRequests.length, 2);
  assert.deepEqual(seenTokens.slice(-2), [keystone.issued[0], keystone.issued[1]]);
});

test("application credentials from OS_* variables", async () => {
  const result = await mpm(["images"], {
    cwd: work,
    env: {
      ...env(),
      OS_AUTH_TYPE: "v3applicationcredential",
      OS_AUTH_URL: `${keystone.url}/v3/`,
      OS_APPLICATION_CREDENTIAL_ID: "21dced0fd20347869b93710d2b98aae0",
      OS_APPLICATION_CREDENTIAL_SECRET: APP_SECRET,
    },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(keystone.tokenRequests[0], {
    auth: {
      identity: {
        methods: ["application_credential"],
        application_credential: { id: "21dced0fd20347869b93710d2b98aae0", secret: APP_SECRET },
      },
    },
  });
});

test("a region the catalogue lacks is named with what it offers", async () => {
  const result = await mpm(["images", "--cloud", "elsewhere"], { cwd: work, env: env() });
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /MPM_E_CLOUD_NO_ENDPOINT: cloud "elsewhere" has no public image endpoint in region RegionNine/,
  );
  assert.match(result.stderr, /public@RegionOne, internal@RegionOne, public@RegionTwo/);
});

test("rejected credentials: Keystone's reason, exit 2, and never the secret, even with MPM_DEBUG", async () => {
  await keystone.close();
  keystone = await startFakeKeystone({ glanceUrl: imagesUrl, reject: true });
  for (const debug of [{}, { MPM_DEBUG: "1" }] as Record<string, string>[]) {
    const result = await mpm(["images"], {
      cwd: work,
      env: {
        ...env(),
        ...debug,
        OS_AUTH_URL: keystone.url,
        OS_USERNAME: "demo",
        OS_PASSWORD: PASSWORD,
        OS_PROJECT_NAME: "demo",
      },
    });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /MPM_E_CLOUD_AUTH: authenticate with Keystone: The request you have made requires authentication/,
    );
    assert.ok(!`${result.stdout}${result.stderr}`.includes(PASSWORD), "the password was printed");
  }
});

test("config errors name the file and field and do not echo secrets", async () => {
  await writeFile(
    path.join(work, "clouds.yaml"),
    `clouds:\n  broken:\n    auth_type: password\n    auth:\n      username: demo\n      password: ${PASSWORD}\n`,
  );
  const result = await mpm(["images", "--cloud", "broken"], { cwd: work, env: { ...env(), MPM_DEBUG: "1" } });
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /MPM_E_CLOUD_CONFIG: .*clouds\.yaml: clouds\.broken\.auth\.auth_url is missing/,
  );
  assert.ok(!result.stderr.includes(PASSWORD));
  const unknown = await mpm(["images", "--cloud", "nope"], { cwd: work, env: env() });
  assert.match(unknown.stderr, /MPM_E_CLOUD_UNKNOWN: cloud "nope" is not defined in .*clouds\.yaml/);
  assert.match(unknown.stderr, /clouds defined there: broken/);
});
