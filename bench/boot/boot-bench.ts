// Boot time to memcached's first answer, and image size: our memcached guest against a conventional
// Debian guest (debootstrap, systemd, memcached service) with the same kernel and QEMU settings.
//
//   node bench/boot/boot-bench.ts [--rounds 5] [--image <memcached image>] [--out bench/results]
//
// Without --image the memcached example is built and composed with bin/mpm. The baseline is built once
// (about 2 minutes, needs root and debootstrap) and cached under the mpm cache. Rounds are interleaved
// (ours-microvm, ours-pc, baseline, ours-microvm, ...) so host noise hits every subject alike.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { mpmCacheDir } from "../../src/base/cache-dir.ts";
import type { ComposedImage } from "../../src/image/composed-image.ts";
import { claimHostPorts } from "../../src/run/host-ports.ts";
import { decideAccel } from "../../src/run/qemu/accel.ts";
import { readHostFacts } from "../../src/run/qemu/host-facts.ts";
import { buildQemuArgs, type Machine } from "../../src/run/qemu/qemu-args.ts";
import { findQemu } from "../../src/run/qemu/qemu-binary.ts";
import { median } from "../median.ts";
import { renderBarChart } from "./bar-chart.ts";
import { type BootSample, measureBoot } from "./boot-probe.ts";

const repo = new URL("../../", import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    image: { type: "string" },
    out: { type: "string", default: join(repo, "bench", "results") },
    memory: { type: "string", default: "512" },
  },
});
const rounds = Number(values.rounds);
const memoryMiB = Number(values.memory);
const qemu = findQemu();
const facts = readHostFacts();
const accel = decideAccel("auto", facts).accel;

function composeMemcached(): ComposedImage {
  if (values.image) return JSON.parse(readFileSync(`${values.image}.json`, "utf8")) as ComposedImage;
  // Built from a copy, so the example folder in the repository stays as it is.
  const work = mkdtempSync(join(tmpdir(), "mpm-boot-bench-"));
  try {
    const pkg = join(work, "memcached");
    cpSync(join(repo, "examples", "memcached"), pkg, { recursive: true });
    const out = join(mpmCacheDir(), "bench", "memcached.initrd");
    mkdirSync(dirname(out), { recursive: true });
    const mpm = join(repo, "bin", "mpm");
    execFileSync(mpm, ["build", pkg], { stdio: "inherit", cwd: work });
    execFileSync(mpm, ["compose", pkg, "--format", "initrd", "--output", out], { stdio: "inherit" });
    return JSON.parse(readFileSync(`${out}.json`, "utf8")) as ComposedImage;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const image = composeMemcached();
const kernelVersion = basename(dirname(image.kernel!));
const baselineDir = join(mpmCacheDir(), "bench", `baseline-${kernelVersion}`);
execFileSync("sh", [join(repo, "bench", "boot", "build-baseline.sh"), kernelVersion, baselineDir], {
  stdio: "inherit",
});

interface Subject {
  readonly name: string;
  readonly started: RegExp;
  readonly args: (port: number) => string[];
}

function ours(machine: Machine): Subject {
  return {
    name: `mpm memcached guest (${machine})`,
    started: /mpm-guest: app-start/,
    args: (port) =>
      buildQemuArgs({
        format: "initrd",
        imagePath: image.path,
        kernel: image.kernel,
        kernelArgs: image.kernelArgs,
        machine,
        accel,
        cpus: 1,
        memoryMiB,
        ports: [{ host: port, guest: 11211 }],
        serial: { kind: "stdio" },
        runConfigFile: undefined,
        sharedMemory: [],
        tscKhz: facts.tscKhz,
      }),
  };
}

const baseline: Subject = {
  name: "Debian 12 + systemd (pc)",
  started: /Started memcached/,
  args: (port) => [
    ...["-M", "pc", ...(accel === "kvm" ? ["-accel", "kvm", "-cpu", "host"] : ["-accel", "tcg"])],
    ...["-smp", "1", "-m", `${memoryMiB}M`, "-no-reboot", "-nodefaults", "-no-user-config"],
    ...["-display", "none", "-serial", "stdio"],
    ...["-kernel", image.kernel!, "-initrd", join(baselineDir, "initrd.cpio.gz")],
    ...["-append", "console=ttyS0 panic=-1 root=/dev/vda rw"],
    ...["-drive", `file=${join(baselineDir, "disk.img")},format=raw,if=virtio`, "-snapshot"],
    ...[
      "-netdev",
      `user,id=net0,hostfwd=tcp:127.0.0.1:${port}-:11211`,
      "-device",
      "virtio-net-pci,netdev=net0",
    ],
  ],
};

// Ours on pc (mpm's default, and the baseline's machine) first, then on microvm for the machine choice.
const subjects = [ours("pc"), ours("microvm"), baseline];
const loadBefore = loadavg();
const samples = new Map<string, BootSample[]>(subjects.map((s) => [s.name, []]));
for (let round = 1; round <= rounds; round++) {
  for (const subject of subjects) {
    const [forward] = await claimHostPorts([{ host: 0, guest: 11211 }]);
    const sample = await measureBoot(qemu, subject.args(forward!.host), forward!.host, subject.started, 300);
    samples.get(subject.name)!.push(sample);
    process.stderr.write(`round ${round}/${rounds} ${subject.name}: ready ${sample.ready.toFixed(2)} s\n`);
  }
}

const stats = subjects.map((s) => {
  const ready = samples.get(s.name)!.map((x) => x.ready);
  const started = samples.get(s.name)!.flatMap((x) => (x.appStarted === undefined ? [] : [x.appStarted]));
  return {
    name: s.name,
    readySeconds: ready,
    readyMedian: median(ready),
    readyMin: Math.min(...ready),
    readyMax: Math.max(...ready),
    appStartedMedian: started.length ? median(started) : undefined,
  };
});
const sizes = {
  oursImageBytes: statSync(image.path).size,
  baselineDiskBytes: statSync(join(baselineDir, "disk.img")).size,
  baselineDiskAllocatedBytes: statSync(join(baselineDir, "disk.img")).blocks * 512,
  baselineCompressedQcow2Bytes: statSync(join(baselineDir, "disk-c.qcow2")).size,
  baselineRootfsBytes: Number(readFileSync(join(baselineDir, "rootfs.bytes"), "utf8")),
  baselineInitrdBytes: statSync(join(baselineDir, "initrd.cpio.gz")).size,
  kernelBytes: statSync(image.kernel!).size,
};
const loadAfter = loadavg();
const result = {
  date: new Date().toISOString(),
  command: `node bench/boot/boot-bench.ts --rounds ${rounds} --memory ${memoryMiB}`,
  host: {
    accel,
    cpus: cpus().length,
    qemu: execFileSync(qemu, ["--version"]).toString().split("\n")[0],
  },
  // The host's load average (1, 5, 15 min) around the run: other work on the machine slows every subject.
  loadAverage: { before: loadBefore, after: loadAfter },
  kernel: kernelVersion,
  memoryMiB,
  rounds,
  boot: stats,
  sizes,
  ratios: {
    bootBaselineOverOursPc: stats[2]!.readyMedian / stats[0]!.readyMedian,
    bootBaselineOverOursMicrovm: stats[2]!.readyMedian / stats[1]!.readyMedian,
    diskOverOurs: sizes.baselineDiskBytes / sizes.oursImageBytes,
    compressedQcow2OverOurs: sizes.baselineCompressedQcow2Bytes / sizes.oursImageBytes,
  },
};
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, "boot.json"), `${JSON.stringify(result, null, 2)}\n`);
const mb = (n: number) => n / 1e6;
writeFileSync(
  join(values.out, "boot.svg"),
  renderBarChart(
    "memcached guest: boot to first answer and image size",
    [
      {
        title: `Boot to memcached's first VERSION reply (median of ${rounds}, bars: min-max, ${accel.toUpperCase()})`,
        unit: "s",
        bars: stats.map((s) => ({ label: s.name, value: s.readyMedian, min: s.readyMin, max: s.readyMax })),
      },
      {
        title: "Image size (the kernel, booted alike by all, not counted)",
        unit: "MB",
        bars: [
          { label: "mpm initrd image (gzip)", value: mb(sizes.oursImageBytes) },
          { label: "Debian compressed qcow2", value: mb(sizes.baselineCompressedQcow2Bytes) },
          { label: "Debian raw ext4 disk", value: mb(sizes.baselineDiskBytes) },
        ],
      },
    ],
    `${result.command} — ${result.date.slice(0, 10)}, ${result.host.qemu}, ${result.host.cpus} host CPUs`,
  ),
);
for (const s of stats) {
  process.stdout.write(
    `${s.name.padEnd(30)} ready median ${s.readyMedian.toFixed(2)} s (min ${s.readyMin.toFixed(2)}, max ${s.readyMax.toFixed(2)})` +
      (s.appStartedMedian !== undefined ? `, app started ${s.appStartedMedian.toFixed(2)} s` : "") +
      "\n",
  );
}
process.stdout.write(`${JSON.stringify(result.ratios)}\n${JSON.stringify(sizes)}\n`);
