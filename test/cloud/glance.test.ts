import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { runBaseFetch } from "../../src/base/commands/base-fetch.ts";
import { fetchGlanceBase } from "../../src/cloud/base/glance-base.ts";
import { runPullImage } from "../../src/cloud/commands/pull-image.ts";
import { runPush } from "../../src/cloud/commands/push.ts";
import { MpmError } from "../../src/errors/mpm-error.ts";
import type { ComposedImage } from "../../src/image/composed-image.ts";
import { makePackage } from "../helpers/package-fixture.ts";
import { startFakeKeystone } from "./fake-keystone.ts";
import { type GlanceServer, glanceAvailable, startGlance } from "./glance-server.ts";
import { mpm } from "./mpm-cli.ts";

let glance: GlanceServer;
let work: string;
let env: Record<string, string>;

async function glanceJson(urlPath: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${glance.url}${urlPath}`, init);
  return (await response.json()) as Record<string, unknown>;
}

/** Every image in the cloud, whatever its status: the failure tests assert nothing is left behind. */
async function allImages(): Promise<Array<{ id: string; name: string; status: string }>> {
  return (await glanceJson("/v2/images?limit=1000")).images as Array<{
    id: string;
    name: string;
    status: string;
  }>;
}

function composedRecord(file: string, format: ComposedImage["format"], size: number): ComposedImage {
  return {
    schema: 1,
    format,
    path: file,
    package: { name: "memcached", version: "1.6.18" },
    packages: [
      { name: "base", version: "1.0.0" },
      { name: "memcached", version: "1.6.18" },
    ],
    bootConfig: "default",
    command: "/usr/bin/memcached -u root",
    env: {},
    kernel: undefined,
    kernelArgs: undefined,
    minMemoryMiB: 128,
    ports: [11211],
    sizeBytes: size,
    sha256: "0".repeat(64),
  };
}

before(async () => {
  assert.ok(
    await glanceAvailable(),
    "python3-glance is not installed: run scripts/setup.sh (scripts/apt/cloud.list)",
  );
  glance = await startGlance();
  work = await mkdtemp(path.join(tmpdir(), "mpm-cloud-"));
  await writeFile(
    path.join(work, "clouds.yaml"),
    `clouds:\n  loop:\n    auth_type: none\n    auth:\n      endpoint: ${glance.url}\n`,
  );
  env = { MPM_CACHE: path.join(work, "cache"), HOME: work };
  execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", path.join(work, "guest.qcow2"), "64M"]);
  await writeFile(
    path.join(work, "guest.qcow2.json"),
    JSON.stringify(composedRecord(path.join(work, "guest.qcow2"), "qcow2", 196616)),
  );
  await writeFile(
    path.join(work, "disk.img"),
    Buffer.from(Array.from({ length: 3 << 20 }, (_, i) => (i * 7919) % 251)),
  );
});

after(async () => {
  await glance?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("push, list, pull back", () => {
  test("pushes a composed qcow2 with glance-direct import and the guest's properties", async () => {
    const result = await mpm(["push", "guest.qcow2", "--cloud", "loop", "--visibility", "public"], {
      cwd: work,
      env,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /pushed memcached-1\.6\.18 [0-9a-f-]{36} \(qcow2, \d+ bytes, glance-direct, checksums verified\)/,
    );
    const [image] = (await glanceJson("/v2/images?name=memcached-1.6.18")).images as Array<
      Record<string, unknown>
    >;
    assert.ok(image);
    assert.equal(image["disk_format"], "qcow2");
    assert.equal(image["container_format"], "bare");
    assert.equal(image["visibility"], "public");
    assert.equal(image["mpm_package"], "memcached");
    assert.equal(image["mpm_version"], "1.6.18");
    assert.equal(image["mpm_packages"], "base@1.0.0,memcached@1.6.18");
    assert.equal(image["mpm_boot_config"], "default");
    assert.equal(image["mpm_ports"], "11211");
    assert.equal(image["os_type"], "linux");
    assert.equal(image["architecture"], "x86_64");
    assert.equal(image["hypervisor_type"], "qemu");
    assert.equal(image["min_ram"], 128);
    assert.equal(image["min_disk"], 1);
    assert.equal(image["virtual_size"], 64 << 20);
  });

  test("pushes a raw file with a direct PUT, lists it, pulls back the same bytes", async () => {
    const pushed = await mpm(["push", "disk.img", "--cloud", "loop", "--method", "put"], { cwd: work, env });
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout, /pushed disk .*\(raw, 3145728 bytes, put, checksums verified\)/);
    const listed = await mpm(["images", "--cloud", "loop"], { cwd: work, env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^disk\s+[0-9a-f-]{36}\s+active\s+raw\s+3\.0 MiB/m);
    assert.match(
      listed.stdout,
      /^memcached-1\.6\.18\s.*qcow2.*128 MiB\s+memcached@1\.6\.18\s+qcow2\s+public/m,
    );
    const pulled = await mpm(["pull-image", "disk", "--cloud", "loop", "-o", "back.img"], { cwd: work, env });
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(
      await readFile(path.join(work, "back.img")),
      await readFile(path.join(work, "disk.img")),
    );
  });

  test("an interrupted download resumes with a Range request and is verified", async () => {
    const controller = new AbortController();
    const output = path.join(work, "resumed.img");
    await assert.rejects(
      runPullImage({
        image: "disk",
        cloud: "loop",
        cwd: work,
        env,
        output,
        signal: controller.signal,
        onProgress: (received) => {
          if (received >= 1 << 20) controller.abort();
        },
      }),
      (err: unknown) => err instanceof MpmError && err.code === "MPM_E_CLOUD_UNREACHABLE",
    );
    const kept = (await stat(`${output}.part`)).size;
    assert.ok(kept > 0 && kept < 3 << 20, `partial download kept ${kept} bytes`);
    const result = await runPullImage({ image: "disk", cloud: "loop", cwd: work, env, output });
    assert.equal(result.resumedFrom, kept);
    assert.deepEqual(await readFile(output), await readFile(path.join(work, "disk.img")));
    await assert.rejects(stat(`${output}.part`));
  });
});

describe("Glance images as compose bases", () => {
  const refused = (pattern: RegExp) => (err: unknown) =>
    err instanceof MpmError && err.code === "MPM_E_CLOUD_BASE_UNSUPPORTED" && pattern.test(err.message);

  test("an image mpm pushed is downloaded once into the cache with its packages", async () => {
    const options = {
      image: "memcached-1.6.18",
      cloud: "loop",
      cwd: work,
      env,
      extendable: ["qcow2", "raw"] as const,
    };
    const base = await fetchGlanceBase(options);
    assert.equal(base.format, "qcow2");
    assert.deepEqual(base.package, { name: "memcached", version: "1.6.18" });
    assert.deepEqual(
      base.packages.map((p) => p.name),
      ["base", "memcached"],
    );
    assert.equal(base.bootConfig, "default");
    assert.ok(base.path.startsWith(path.join(work, "cache")));
    assert.deepEqual(await readFile(base.path), await readFile(path.join(work, "guest.qcow2")));
    const again = await fetchGlanceBase(options);
    assert.equal(again.path, base.path);
  });

  test("images mpm cannot extend are refused before any download, saying why", async () => {
    await assert.rejects(
      fetchGlanceBase({ image: "disk", cloud: "loop", cwd: work, env, extendable: ["qcow2", "raw"] }),
      refused(/"disk" .* cannot be used as a base: it was not composed by mpm/),
    );
    await assert.rejects(
      fetchGlanceBase({ image: "memcached-1.6.18", cloud: "loop", cwd: work, env, extendable: ["raw"] }),
      refused(/it is a qcow2 image and compose extends only raw images/),
    );
  });

  test("an image whose bytes contradict its disk_format is refused after download", async () => {
    const created = await glanceJson("/v2/images", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "liar",
        disk_format: "qcow2",
        container_format: "bare",
        mpm_format: "qcow2",
        mpm_package: "x",
      }),
    });
    const id = String(created["id"]);
    const put = await fetch(`${glance.url}/v2/images/${id}/file`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: Buffer.alloc(1024),
    });
    assert.equal(put.status, 204);
    await assert.rejects(
      fetchGlanceBase({ image: id, cloud: "loop", cwd: work, env, extendable: ["qcow2"] }),
      refused(/says disk_format qcow2 but its bytes are raw/),
    );
    assert.equal((await fetch(`${glance.url}/v2/images/${id}`, { method: "DELETE" })).status, 204);
  });
});

describe("compose on a Glance base, then boot", () => {
  test("a package added to a pushed base image boots and sees the base's files", async () => {
    // compose and run use the machine's shared cache, where the kernel and busybox bases are prepared once.
    await runBaseFetch({ only: ["kernel", "busybox"] });
    const shared = { HOME: process.env["HOME"] ?? work };
    const basePkg = await makePackage(work, {
      name: "com.example.base",
      files: { "usr/share/base/motd": "from-the-base\n" },
      runYaml:
        "runtime: native\nconfig_set:\n  default:\n    bootcmd: /bin/cat /usr/share/base/motd\nconfig_set_default: default\n",
    });
    const appPkg = await makePackage(work, {
      name: "com.example.app",
      version: "2.0.0",
      files: {
        "app/main.sh": {
          text: '#!/bin/sh\necho "app sees: $(cat /usr/share/base/motd)"\nexit 3\n',
          mode: 0o755,
        },
      },
      runYaml:
        "runtime: native\nconfig_set:\n  default:\n    bootcmd: /app/main.sh\nconfig_set_default: default\n",
    });
    const cli = (args: string[]) => mpm(args, { cwd: work, env: shared });
    const composed = await cli(["compose", basePkg, "-f", "qcow2", "-o", "base.qcow2"]);
    assert.equal(composed.code, 0, composed.stderr);
    const pushed = await cli(["push", "base.qcow2", "--cloud", "loop"]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const extended = await cli([
      "compose",
      appPkg,
      "-f",
      "qcow2",
      "-o",
      "app.qcow2",
      "--base",
      "glance:com.example.base-1.0.0",
      "--cloud",
      "loop",
    ]);
    assert.equal(extended.code, 0, extended.stderr);
    const record = JSON.parse(await readFile(path.join(work, "app.qcow2.json"), "utf8")) as ComposedImage;
    assert.deepEqual(
      record.packages.map((p) => p.name),
      ["com.example.base", "com.example.app"],
    );
    assert.equal(record.command, "/app/main.sh");
    const ran = await cli(["run", "app.qcow2", "--timeout", "300"]);
    assert.equal(ran.code, 3, `${ran.stdout}\n${ran.stderr}`);
    assert.match(ran.stdout + ran.stderr, /app sees: from-the-base/);
  });

  test("push composes a package first when given one instead of an image", async () => {
    const pkg = path.join(work, "com.example.app-2.0.0");
    const pushed = await mpm(["push", pkg, "--cloud", "loop", "--format", "raw"], {
      cwd: work,
      env: { HOME: process.env["HOME"] ?? work },
    });
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout, /pushed com\.example\.app-2\.0\.0 [0-9a-f-]{36} \(raw, \d+ bytes/);
    const [image] = (await glanceJson("/v2/images?name=com.example.app-2.0.0")).images as Array<
      Record<string, unknown>
    >;
    assert.equal(image?.["mpm_format"], "raw");
    assert.equal(image?.["mpm_packages"], "com.example.app@2.0.0");
  });

  test("compose refuses bases it cannot extend, saying why", async () => {
    const shared = { HOME: process.env["HOME"] ?? work };
    const pkg = path.join(work, "com.example.app-2.0.0");
    const foreign = await mpm(
      ["compose", pkg, "-f", "qcow2", "-o", "x.qcow2", "--base", "glance:disk", "--cloud", "loop"],
      { cwd: work, env: shared },
    );
    assert.equal(foreign.code, 2);
    assert.match(
      foreign.stderr,
      /MPM_E_CLOUD_BASE_UNSUPPORTED: Glance image "disk" .* it was not composed by mpm/,
    );
    const initrd = await mpm(["compose", pkg, "-f", "initrd", "--base", "glance:disk", "--cloud", "loop"], {
      cwd: work,
      env: shared,
    });
    assert.equal(initrd.code, 2);
    assert.match(initrd.stderr, /--base builds raw and qcow2 images, not initrd/);
    await assert.rejects(stat(path.join(work, "x.qcow2")));
  });
});

test("a password cloud reaches this Glance through Keystone's catalogue", async () => {
  const keystone = await startFakeKeystone({ glanceUrl: `${glance.url}/v2/` });
  try {
    const dir = await mkdtemp(path.join(work, "kc-"));
    await writeFile(
      path.join(dir, "clouds.yaml"),
      `clouds:\n  kc:\n    auth:\n      auth_url: ${keystone.url}\n      username: demo\n      password: pw\n      project_name: demo\n`,
    );
    const result = await mpm(["images", "--cloud", "kc", "--mine"], { cwd: dir, env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^disk\s/m);
    assert.equal(keystone.tokenRequests.length, 1);
  } finally {
    await keystone.close();
  }
});

describe("update and delete", () => {
  test("--update uploads the new image before it retires the old one", async () => {
    const before = (await allImages()).filter((i) => i.name === "memcached-1.6.18");
    assert.equal(before.length, 1);
    const result = await mpm(["push", "guest.qcow2", "--cloud", "loop", "--update", "--method", "put"], {
      cwd: work,
      env,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`retired ${before[0]!.id}`));
    const now = (await allImages()).filter((i) => i.name === "memcached-1.6.18");
    assert.equal(now.length, 1);
    assert.notEqual(now[0]!.id, before[0]!.id);
    assert.equal(now[0]!.status, "active");
    const image = await glanceJson(`/v2/images/${now[0]!.id}`);
    assert.equal(
      image["visibility"],
      "public",
      "a replacement keeps the visibility of the image it replaces",
    );
  });

  test("rmi refuses a protected image with Glance's reason, then deletes it once unprotected", async () => {
    const [image] = (await allImages()).filter((i) => i.name === "disk");
    const patch = (value: boolean) =>
      fetch(`${glance.url}/v2/images/${image!.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/openstack-images-v2.1-json-patch" },
        body: JSON.stringify([{ op: "replace", path: "/protected", value }]),
      });
    assert.equal((await patch(true)).status, 200);
    const refused = await mpm(["rmi", "disk", "--cloud", "loop"], { cwd: work, env });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /MPM_E_CLOUD_PROTECTED: .*is protected and cannot be deleted/);
    assert.equal((await patch(false)).status, 200);
    const removed = await mpm(["rmi", image!.id, "--cloud", "loop"], { cwd: work, env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal((await fetch(`${glance.url}/v2/images/${image!.id}`)).status, 404);
  });
});

describe("failures leave the cloud clean", () => {
  test("a name already taken is refused before anything is created", async () => {
    const count = (await allImages()).length;
    const result = await mpm(["push", "guest.qcow2", "--cloud", "loop"], { cwd: work, env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /MPM_E_CLOUD_CONFLICT: an image named "memcached-1\.6\.18" already exists/);
    assert.match(result.stderr, /hint: pass --update/);
    assert.equal((await allImages()).length, count);
  });

  test("a file whose bytes contradict its record is refused, and an initrd is never pushed", async () => {
    const count = (await allImages()).length;
    const fake = path.join(work, "fake.qcow2");
    await writeFile(fake, Buffer.alloc(4096));
    await writeFile(`${fake}.json`, JSON.stringify(composedRecord(fake, "qcow2", 4096)));
    const wrong = await mpm(["push", "fake.qcow2", "--cloud", "loop", "--name", "fake"], { cwd: work, env });
    assert.equal(wrong.code, 2);
    assert.match(
      wrong.stderr,
      /MPM_E_CLOUD_IMAGE_FORMAT: .*fake\.qcow2: its record says qcow2 but the file's bytes are raw/,
    );
    await writeFile(`${fake}.json`, JSON.stringify(composedRecord(fake, "initrd", 4096)));
    const initrd = await mpm(["push", "fake.qcow2", "--cloud", "loop", "--name", "fake"], { cwd: work, env });
    assert.match(initrd.stderr, /MPM_E_CLOUD_IMAGE_FORMAT: .*initrd image/);
    assert.equal((await allImages()).length, count);
  });

  test("an upload over the server's size cap fails with 413 and the queued image is deleted", async () => {
    const count = (await allImages()).length;
    const big = path.join(work, "big.img");
    await writeFile(big, "");
    await truncate(big, 65 << 20);
    const result = await mpm(["push", "big.img", "--cloud", "loop", "--method", "put"], { cwd: work, env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /MPM_E_CLOUD_TOO_LARGE: upload image [0-9a-f-]{36}: .*HTTP 413/);
    assert.equal((await allImages()).length, count);
  });

  test("a server stopped mid-upload: the push fails, and the next command deletes the queued image", async () => {
    const count = (await allImages()).length;
    const big = path.join(work, "mid.img");
    await writeFile(big, "");
    await truncate(big, 48 << 20);
    let stopping: Promise<void> | undefined;
    await assert.rejects(
      runPush({
        image: big,
        cloud: "loop",
        cwd: work,
        env,
        method: "put",
        onProgress: () => {
          stopping ??= glance.stop();
        },
      }),
      (err: unknown) => err instanceof MpmError && err.code === "MPM_E_CLOUD_UNREACHABLE",
    );
    await stopping;
    await glance.restart();
    assert.equal((await allImages()).length, count + 1, "the image created before the stop is still there");
    const listed = await mpm(["images", "--cloud", "loop"], { cwd: work, env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.doesNotMatch(listed.stdout, /^mid\s/m);
    assert.equal((await allImages()).length, count);
  });
});
