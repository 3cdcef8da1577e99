import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { MpmError } from "../../errors/mpm-error.ts";
import { cloudsOf } from "./clouds-yaml.ts";
import { normaliseCloud, resolveCloud } from "./resolve-cloud.ts";

let home: string;
let cwd: string;

before(async () => {
  home = await mkdtemp(path.join(tmpdir(), "mpm-clouds-"));
  cwd = path.join(home, "project");
  await mkdir(path.join(home, ".config", "openstack"), { recursive: true });
  await mkdir(cwd);
  await writeFile(
    path.join(home, ".config", "openstack", "clouds.yaml"),
    "clouds:\n  user-cloud:\n    auth_type: none\n    auth:\n      endpoint: http://glance.example:9292/\n",
  );
});

after(async () => {
  await rm(home, { recursive: true, force: true });
});

const rejects = (code: string, pattern: RegExp) => (err: unknown) =>
  err instanceof MpmError && err.code === code && pattern.test(err.message);

test("clouds.yaml is found in ~/.config/openstack, and one in the working directory wins", async () => {
  const env = { HOME: home };
  const user = await resolveCloud({ name: "user-cloud", env, cwd });
  assert.equal(user.imageEndpoint, "http://glance.example:9292");
  assert.equal(user.source, path.join(home, ".config", "openstack", "clouds.yaml"));
  await writeFile(
    path.join(cwd, "clouds.yaml"),
    "clouds:\n  local:\n    auth: { endpoint: 'http://127.0.0.1:1' }\n",
  );
  await assert.rejects(
    resolveCloud({ name: "user-cloud", env, cwd }),
    rejects("MPM_E_CLOUD_UNKNOWN", /not defined in .*project\/clouds\.yaml/),
  );
  const local = await resolveCloud({ env: { ...env, OS_CLOUD: "local" }, cwd });
  assert.equal(local.auth.type, "none");
  await rm(path.join(cwd, "clouds.yaml"));
});

test("the OS_* variables make a cloud when no name is given", async () => {
  const cloud = await resolveCloud({
    env: {
      HOME: home,
      OS_AUTH_URL: "https://keystone.example:5000/v3",
      OS_USERNAME: "demo",
      OS_PASSWORD: "pw",
      OS_PROJECT_ID: "p-1",
      OS_REGION_NAME: "RegionTwo",
      OS_INTERFACE: "internalURL",
    },
    cwd,
  });
  assert.equal(cloud.name, "envvars");
  assert.equal(cloud.regionName, "RegionTwo");
  assert.equal(cloud.interface, "internal");
  assert.equal(cloud.auth.type, "password");
  if (cloud.auth.type !== "password") return;
  assert.deepEqual(cloud.auth.project, { name: undefined, id: "p-1" });
  assert.deepEqual(cloud.auth.userDomain, { id: "default" });
  assert.equal(cloud.auth.password.reveal(), "pw");
  await assert.rejects(
    resolveCloud({ env: { HOME: home }, cwd }),
    rejects("MPM_E_CLOUD_UNKNOWN", /no cloud given/),
  );
});

test("entries are validated with the file and field named", () => {
  const source = "/etc/openstack/clouds.yaml";
  assert.throws(
    () => normaliseCloud("c", { auth_type: "v3oidcpassword", auth: {} }, source),
    rejects("MPM_E_CLOUD_CONFIG", /clouds\.c\.auth_type "v3oidcpassword" is not supported/),
  );
  assert.throws(
    () => normaliseCloud("c", { auth_type: "none" }, source),
    rejects("MPM_E_CLOUD_CONFIG", /clouds\.c\.auth\.endpoint is missing/),
  );
  assert.throws(
    () => normaliseCloud("c", { auth: { auth_url: "keystone:5000", username: "u", password: "p" } }, source),
    rejects("MPM_E_CLOUD_CONFIG", /auth_url "keystone:5000" is not an http\(s\) URL/),
  );
  assert.throws(
    () => normaliseCloud("c", { auth: { auth_url: "http://k", application_credential_secret: "s" } }, source),
    rejects("MPM_E_CLOUD_CONFIG", /application_credential_id is missing/),
  );
  assert.throws(
    () => normaliseCloud("c", { interface: "private", auth: { endpoint: "http://g" } }, source),
    rejects("MPM_E_CLOUD_CONFIG", /must be public, internal or admin/),
  );
  const app = normaliseCloud(
    "c",
    {
      auth: { auth_url: "http://k/v3", application_credential_id: "id1", application_credential_secret: "s" },
    },
    source,
  );
  assert.equal(app.auth.type, "applicationCredential");
});

test("YAML errors carry the line; a file without clouds: is explained", () => {
  assert.throws(
    () => cloudsOf("clouds:\n  a:\n    auth: [\n", "/x/clouds.yaml"),
    rejects("MPM_E_CLOUD_CONFIG", /^\/x\/clouds\.yaml:\d+: /),
  );
  assert.throws(
    () => cloudsOf("foo: 1\n", "/x/clouds.yaml"),
    rejects("MPM_E_CLOUD_CONFIG", /no "clouds" mapping/),
  );
});
