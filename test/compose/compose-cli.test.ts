import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { writeMpm } from "../../src/archive/write-mpm.ts";
import { runBaseFetch } from "../../src/base/commands/base-fetch.ts";
import type { ComposedImage } from "../../src/image/composed-image.ts";
import { readOsvImage } from "../../src/image/osv/osv-image.ts";
import { readRofs } from "../../src/image/rofs/rofs-reader.ts";
import { listContentFiles } from "../../src/package/content-files.ts";
import { openLocalRepository } from "../../src/repo/local-repository.ts";
import { makePackage, tempDir } from "../helpers/package-fixture.ts";
import { serveFolder } from "../helpers/static-server.ts";
import { initramfsFiles, mpm } from "./mpm-compose.ts";

let work: { dir: string; cleanup: () => Promise<void> };
let env: NodeJS.ProcessEnv;
let app: string;

const RUN_YAML = `runtime: native
config_set:
  greet:
    bootcmd: /app/hello.sh $GREETING
    env:
      GREETING: hello
config_set_default: greet
`;
const OPTS = `- long: code
  short: c
  default: "4"
  env: CODE
`;

async function installPackage(dir: string): Promise<void> {
  const file = join(work.dir, `${Date.now()}-${Math.random()}.mpm`);
  await writeMpm(dir, await listContentFiles(dir), file);
  await (await openLocalRepository({ root: env["MPM_ROOT"]! })).install(file);
}

before(async () => {
  await runBaseFetch({ only: ["kernel", "busybox"] });
  work = await tempDir("mpm-compose-");
  env = { MPM_ROOT: join(work.dir, "repo") };
  const lib = await makePackage(work.dir, {
    name: "com.example.lib",
    files: { "etc/shared.conf": "from lib\n" },
  });
  await installPackage(lib);
  app = await makePackage(work.dir, {
    name: "com.example.hello",
    require: ["com.example.lib"],
    runYaml: RUN_YAML,
    files: {
      "app/hello.sh": { text: '#!/bin/sh\necho "says: $* code=$CODE"\nexit $CODE\n', mode: 0o755 },
      "meta/opts": OPTS,
    },
  });
});

after(async () => {
  await work.cleanup();
});

test("compose writes an initrd with its dependencies and record; recomposing reuses every layer", async () => {
  const output = join(work.dir, "hello.initrd");
  const first = await mpm(["compose", app, "-o", output, "--env", "EXTRA=1"], env);
  assert.equal(first.status, 0, first.stderr);
  const record = JSON.parse(await readFile(`${output}.json`, "utf8")) as ComposedImage;
  assert.equal(record.format, "initrd");
  assert.equal(record.command, "/app/hello.sh $GREETING");
  assert.deepEqual(record.env, { CODE: "4", EXTRA: "1", GREETING: "hello" });
  assert.deepEqual(
    record.packages.map((p) => p.name),
    ["com.example.lib", "com.example.hello"],
  );
  assert.equal(record.bootConfig, "greet");
  const files = initramfsFiles(await readFile(output));
  assert.equal(files.get("/etc/shared.conf")?.toString(), "from lib\n");
  assert.ok(files.has("/app/hello.sh") && files.has("/init") && files.has("/bin/busybox"));
  const config = JSON.parse(files.get("/etc/mpm/image.json")!.toString());
  assert.deepEqual(config.optEnv, { code: "CODE", c: "CODE" });
  const again = await mpm(["compose", app, "-o", output, "--env", "EXTRA=1"], env);
  assert.match(again.stdout, /4\/4 layers cached/);
});

test("the composed initrd boots; a run-time --opt through fw_cfg sets the option's variable", async () => {
  const output = join(work.dir, "hello.initrd");
  const record = JSON.parse(await readFile(`${output}.json`, "utf8")) as ComposedImage;
  const overrides = join(work.dir, "run.json");
  await writeFile(overrides, JSON.stringify({ opts: { code: "9" }, env: { GREETING: "hi" } }));
  const { bootQemu, appExitStatus } = await import("./qemu-boot.ts");
  const result = await bootQemu([
    ...["-M", "pc", "-m", String(record.minMemoryMiB), "-kernel", record.kernel!, "-initrd", output],
    ...["-append", record.kernelArgs!, "-fw_cfg", `name=opt/mpm/run.json,file=${overrides}`],
  ]);
  assert.match(result.console, /says: hi code=9/);
  assert.equal(appExitStatus(result.console), 9);
});

test("a qcow2 image passes qemu-img check and boots from the disk alone", async () => {
  const output = join(work.dir, "hello.qcow2");
  const r = await mpm(["compose", app, "--format", "qcow2", "-o", output], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(execFileSync("qemu-img", ["check", output]).toString(), /No errors were found/);
  const record = JSON.parse(await readFile(`${output}.json`, "utf8")) as ComposedImage;
  assert.equal(record.kernel, undefined);
  const { bootQemu, appExitStatus } = await import("./qemu-boot.ts");
  const result = await bootQemu([
    ...["-M", "pc", "-m", String(record.minMemoryMiB)],
    ...["-drive", `file=${output},format=qcow2,if=virtio`],
  ]);
  assert.match(result.console, /SYSLINUX/);
  assert.equal(appExitStatus(result.console), 4, result.console);
});

test("a raw image has a bootable FAT partition at 1 MiB behind syslinux's MBR", async () => {
  const output = join(work.dir, "hello.raw");
  const r = await mpm(["compose", app, "--format", "raw", "-o", output, "--size", "40M"], env);
  assert.equal(r.status, 0, r.stderr);
  const disk = await readFile(output);
  assert.equal(disk.length, 40 * 2 ** 20);
  assert.deepEqual([disk[510], disk[511]], [0x55, 0xaa]);
  assert.equal(disk[0x1be], 0x80, "entry 1 is bootable");
  assert.equal(disk[0x1be + 4], 0x0c, "FAT32 (LBA) from 33 MiB up");
  assert.equal(disk.readUInt32LE(0x1be + 8), 2048);
  const listing = execFileSync("mdir", ["-a", "-b", "-i", `${output}@@1M`, "::/"], {
    env: { ...process.env, MTOOLS_SKIP_CHECK: "1" },
  }).toString();
  for (const name of ["VMLINUZ", "INITRD", "SYSLINUX.CFG", "LDLINUX.SYS"]) {
    assert.match(listing.toUpperCase(), new RegExp(name.replace(".", "\\.")));
  }
});

test("an OSv image carries the Capstan command line and a ROFS root with /run/<config_set>", async () => {
  const loader = join(work.dir, "loader.img");
  const bytes = Buffer.alloc(70000, 0x4b);
  bytes.fill(0, 0, 512);
  bytes[510] = 0x55;
  bytes[511] = 0xaa;
  await writeFile(loader, bytes);
  const output = join(work.dir, "hello.osv.img");
  const r = await mpm(
    ["compose", app, "--format", "osv", "--loader", loader, "-o", output, "--opt", "c=7"],
    env,
  );
  assert.equal(r.status, 0, r.stderr);
  const disk = await readFile(output);
  const layout = readOsvImage(disk);
  assert.equal(layout.commandLine, "--env=CODE=7 runscript /run/greet;");
  assert.equal(layout.partitionStart, 2 * 2 ** 20);
  const tree = readRofs(disk.subarray(layout.partitionStart, layout.partitionStart + layout.partitionSize));
  const script = tree.get("/run/greet");
  assert.ok(script?.type === "file");
  assert.equal(
    Buffer.from(script.data).toString(),
    "--env=CODE?=4 --env=GREETING?=hello /app/hello.sh $GREETING",
  );
  assert.ok(tree.has("/etc/shared.conf") && tree.has("/app/hello.sh"));
  assert.equal(tree.has("/init"), false, "OSv images carry no Linux userland");
});

test("meta/hooks/run may replace the command and add files", async () => {
  const hooked = await makePackage(work.dir, {
    name: "com.example.hooked",
    runYaml: RUN_YAML,
    files: {
      "app/hello.sh": { text: "#!/bin/sh\necho hooked\n", mode: 0o755 },
      "meta/hooks/run": {
        text: '#!/bin/sh\nmkdir -p "$MPM_ROOTFS/etc" && echo "$MPM_CONFIG_SET" > "$MPM_ROOTFS/etc/from-hook"\necho "$MPM_COMMAND --loud"\n',
        mode: 0o755,
      },
    },
  });
  const output = join(work.dir, "hooked.initrd");
  const r = await mpm(["compose", hooked, "-o", output], env);
  assert.equal(r.status, 0, r.stderr);
  const record = JSON.parse(await readFile(`${output}.json`, "utf8")) as ComposedImage;
  assert.equal(record.command, "/app/hello.sh $GREETING --loud");
  assert.equal(
    initramfsFiles(await readFile(output))
      .get("/etc/from-hook")
      ?.toString(),
    "greet\n",
  );
});

/** Asserts a failed compose: exit status, error code in the message, and no image left behind. */
async function assertFails(args: string[], code: string, exit: number, extraEnv: NodeJS.ProcessEnv = {}) {
  const outDir = join(work.dir, `fail-${code}-${Date.now()}`);
  await mkdir(outDir);
  const r = await mpm([...args, "-o", join(outDir, "image")], { ...env, ...extraEnv });
  assert.equal(r.status, exit, r.stderr);
  assert.match(r.stderr, new RegExp(`mpm: ${code}: `));
  assert.match(r.stderr, /hint: /);
  assert.deepEqual(await readdir(outDir), [], "nothing written");
  return r.stderr;
}

test("bad input: conflicting files, unknown package, no base, --size too small, OSv command line too long", async () => {
  const clash = await makePackage(work.dir, {
    name: "com.example.clash",
    require: ["com.example.lib"],
    runYaml: RUN_YAML,
    files: { "etc/shared.conf": "mine\n" },
  });
  const conflict = await assertFails(["compose", clash], "MPM_E_COMPOSE_CONFLICT", 2);
  assert.match(conflict, /com\.example\.lib and com\.example\.clash both provide \/etc\/shared\.conf/);
  assert.equal(
    (await mpm(["compose", clash, "--allow-overwrite", "-o", join(work.dir, "c.img")], env)).status,
    0,
  );

  await assertFails(["compose", "com.example.nothing"], "MPM_E_REPO_NOT_INSTALLED", 2);
  const noBase = await assertFails(["compose", app], "MPM_E_BASE_MISSING", 69, {
    MPM_CACHE: join(work.dir, "empty"),
  });
  assert.match(noBase, /mpm base fetch/);
  await assertFails(["compose", app, "--format", "raw", "--size", "4M"], "MPM_E_COMPOSE_TOO_SMALL", 2);
  const loader = join(work.dir, "loader.img");
  const long = `LONG=${"x".repeat(1100)}`;
  await assertFails(
    ["compose", app, "--format", "osv", "--loader", loader, "--env", long],
    "MPM_E_OSV_CMDLINE_TOO_LONG",
    2,
  );
  await assertFails(["compose", app, "--format", "vmdk"], "MPM_E_COMPOSE_INPUT", 2);
});

test("compose --pull fetches a missing dependency from a remote; without it the missing package is named", async (t) => {
  const served = join(work.dir, "served");
  await mkdir(served);
  const remoteDep = await makePackage(join(work.dir, "remote-src"), {
    name: "com.example.remote",
    files: { "etc/remote.conf": "from remote\n" },
  });
  await writeMpm(remoteDep, await listContentFiles(remoteDep), join(served, "com.example.remote-1.0.0.mpm"));
  const server = await serveFolder(served);
  t.after(() => server.close());
  const pullEnv = { MPM_ROOT: join(work.dir, "pull-repo") };
  assert.equal((await mpm(["repo", "index", served], pullEnv)).status, 0);
  assert.equal((await mpm(["repo", "add", "origin", server.url], pullEnv)).status, 0);
  const consumer = await makePackage(join(work.dir, "consumer-src"), {
    name: "com.example.consumer",
    require: ["com.example.remote@^1"],
    runYaml: RUN_YAML,
    files: { "app/hello.sh": { text: "#!/bin/sh\ncat /etc/remote.conf\n", mode: 0o755 } },
  });
  const output = join(work.dir, "consumer.initrd");

  const refused = await mpm(["compose", consumer, "-o", output], pullEnv);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /com\.example\.remote/);
  assert.equal(await readFile(output).catch(() => undefined), undefined, "no image on failure");

  const pulled = await mpm(["compose", consumer, "-o", output, "--pull"], pullEnv);
  assert.equal(pulled.status, 0, pulled.stderr);
  const files = initramfsFiles(await readFile(output));
  assert.equal(files.get("/etc/remote.conf")?.toString(), "from remote\n");
  const listed = await mpm(["list"], pullEnv);
  assert.match(listed.stdout, /com\.example\.remote\s+1\.0\.0/);
});
