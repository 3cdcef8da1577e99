import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runBaseFetch } from "../../src/base/commands/base-fetch.ts";
import { composeInitrd } from "../../src/compose/compose-initrd.ts";
import type { ComposedImage } from "../../src/image/composed-image.ts";
import type { FileTree } from "../../src/image/tree/file-tree.ts";
import { appExitStatus, bootQemu } from "./qemu-boot.ts";

let work: string;
let image: ComposedImage;

const app: FileTree = new Map([
  [
    "/app/report.sh",
    {
      type: "file",
      mode: 0o755,
      data: Buffer.from(
        [
          "#!/bin/sh",
          'echo "who=$WHO stored=$STORED opt=$MPM_OPT_log_level host=$(hostname)"',
          'echo "modules=$(cut -d" " -f1 /proc/modules | sort | tr "\\n" ,)"',
          "echo \"eth0=$(ip -4 -o addr show dev eth0 | awk '{print $4}')\"",
          "exit $CODE",
          "",
        ].join("\n"),
      ),
    },
  ],
]);

before(async () => {
  await runBaseFetch({ only: ["kernel", "busybox"] });
  work = await mkdtemp(join(tmpdir(), "mpm-initrd-"));
  image = await composeInitrd({
    output: join(work, "report.img"),
    package: { name: "com.example.report", version: "1.0.0" },
    layers: [app],
    config: {
      command: "/app/report.sh",
      env: { WHO: "image", STORED: "kept", CODE: "7" },
      hostname: "report",
      opts: {},
    },
  });
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

test("the sidecar record describes the initrd image", async () => {
  const record = JSON.parse(await readFile(`${image.path}.json`, "utf8")) as ComposedImage;
  assert.deepEqual(record, JSON.parse(JSON.stringify(image)));
  assert.equal(record.format, "initrd");
  assert.match(record.kernel!, /vmlinux$/);
  assert.equal(record.sizeBytes, (await readFile(image.path)).length);
  assert.ok(record.minMemoryMiB >= 128);
});

test("the guest boots, applies fw_cfg overrides, loads its drivers, and reports the app's exit status", async () => {
  const overrides = join(work, "run.json");
  await writeFile(
    overrides,
    JSON.stringify({ env: { WHO: "fw_cfg", CODE: "5" }, opts: { "log-level": "debug" } }),
  );
  const result = await bootQemu([
    ...["-M", "pc", "-m", String(image.minMemoryMiB)],
    ...["-kernel", image.kernel!, "-initrd", image.path, "-append", image.kernelArgs!],
    ...["-fw_cfg", `name=opt/mpm/run.json,file=${overrides}`],
    ...["-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0"],
  ]);
  assert.equal(result.timedOut, false, result.console);
  assert.equal(result.exitCode, 0, result.console);
  assert.match(result.console, /^mpm-guest: app-start\r?$/m);
  assert.match(result.console, /who=fw_cfg stored=kept opt=debug host=report/);
  assert.match(result.console, /modules=.*virtio_net,.*virtio_pci,/);
  assert.match(result.console, /eth0=10\.0\.2\.15\/24/);
  assert.equal(appExitStatus(result.console), 5);
});
