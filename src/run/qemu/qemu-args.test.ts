import assert from "node:assert/strict";
import { test } from "node:test";
import { buildQemuArgs, defaultMachine, type QemuPlan } from "./qemu-args.ts";

const initrdPlan: QemuPlan = {
  format: "initrd",
  imagePath: "/images/app.cpio.gz",
  kernel: "/cache/vmlinux",
  kernelArgs: "quiet",
  machine: "microvm",
  accel: "tcg",
  cpus: 2,
  memoryMiB: 256,
  ports: [{ host: 18000, guest: 8000 }],
  serial: { kind: "stdio" },
  runConfigFile: "/tmp/run.json",
  sharedMemory: [],
  tscKhz: 2445000,
};

/** The value following `flag` in argv (every occurrence). */
function values(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag ? [args[i + 1]!] : []));
}

test("an initrd image on microvm boots with the kernel, the initramfs and the TSC frequency", () => {
  const args = buildQemuArgs(initrdPlan);
  assert.deepEqual(values(args, "-M"), ["microvm,pit=on,pic=on,rtc=on"]);
  assert.deepEqual(values(args, "-kernel"), ["/cache/vmlinux"]);
  assert.deepEqual(values(args, "-initrd"), ["/images/app.cpio.gz"]);
  assert.deepEqual(values(args, "-append"), [
    "console=ttyS0 panic=-1 no_timer_check tsc_early_khz=2445000 quiet",
  ]);
  assert.deepEqual(values(args, "-accel"), ["tcg"]);
  assert.deepEqual(values(args, "-smp"), ["2"]);
  assert.deepEqual(values(args, "-m"), ["256M"]);
  for (const flag of ["-no-reboot", "-nodefaults", "-no-user-config"]) assert.ok(args.includes(flag), flag);
  assert.deepEqual(values(args, "-display"), ["none"]);
  assert.deepEqual(values(args, "-serial"), ["stdio"]);
  assert.equal(args.includes("-drive"), false);
});

test("user networking forwards each port from 127.0.0.1, over virtio-mmio on microvm", () => {
  const args = buildQemuArgs({
    ...initrdPlan,
    ports: [
      { host: 18000, guest: 8000 },
      { host: 21211, guest: 11211 },
    ],
  });
  assert.deepEqual(values(args, "-netdev"), [
    "user,id=net0,hostfwd=tcp:127.0.0.1:18000-:8000,hostfwd=tcp:127.0.0.1:21211-:11211",
  ]);
  assert.deepEqual(values(args, "-device"), ["virtio-net-device,netdev=net0"]);
});

test("run-time overrides go through fw_cfg as opt/mpm/run.json, commas in paths escaped", () => {
  const args = buildQemuArgs({ ...initrdPlan, runConfigFile: "/tmp/a,b/run.json" });
  assert.deepEqual(values(args, "-fw_cfg"), ["name=opt/mpm/run.json,file=/tmp/a,,b/run.json"]);
  assert.equal(buildQemuArgs({ ...initrdPlan, runConfigFile: undefined }).includes("-fw_cfg"), false);
});

test("shared memory adds an ivshmem-plain device backed by /dev/shm and PCIe on microvm", () => {
  const args = buildQemuArgs({ ...initrdPlan, sharedMemory: [{ name: "ring0", sizeBytes: 4194304 }] });
  assert.deepEqual(values(args, "-M"), ["microvm,pit=on,pic=on,rtc=on,pcie=on"]);
  assert.deepEqual(values(args, "-object"), [
    "memory-backend-file,id=shm0,share=on,mem-path=/dev/shm/ring0,size=4194304",
  ]);
  assert.deepEqual(values(args, "-device"), ["virtio-net-pci,netdev=net0", "ivshmem-plain,memdev=shm0"]);
});

test("disk images boot alone on pc (SeaBIOS) from a virtio drive, kept pristine by -snapshot", () => {
  for (const format of ["raw", "qcow2", "osv"] as const) {
    assert.equal(defaultMachine(format), "pc");
    const args = buildQemuArgs({ ...initrdPlan, format, imagePath: "/i/app.img", machine: "pc" });
    assert.deepEqual(values(args, "-M"), ["pc"]);
    assert.deepEqual(values(args, "-drive"), [
      `file=/i/app.img,format=${format === "qcow2" ? "qcow2" : "raw"},if=virtio`,
    ]);
    assert.ok(args.includes("-snapshot"));
    for (const flag of ["-kernel", "-initrd", "-append"]) assert.equal(args.includes(flag), false, flag);
    assert.deepEqual(values(args, "-device"), ["virtio-net-pci,netdev=net0"]);
  }
  assert.equal(defaultMachine("initrd"), "pc");
});

test("KVM uses the host CPU; the TSC hint is only for microvm under TCG", () => {
  const kvm = buildQemuArgs({ ...initrdPlan, accel: "kvm" });
  assert.deepEqual(values(kvm, "-accel"), ["kvm"]);
  assert.deepEqual(values(kvm, "-cpu"), ["host"]);
  assert.doesNotMatch(values(kvm, "-append")[0]!, /tsc_early_khz/);
  const pc = buildQemuArgs({ ...initrdPlan, machine: "pc" });
  assert.doesNotMatch(values(pc, "-append")[0]!, /tsc_early_khz/);
});

test("a detached guest writes its console to a file", () => {
  const args = buildQemuArgs({
    ...initrdPlan,
    serial: { kind: "file", path: "/home/u/.mpm/guests/a/console.log" },
  });
  assert.deepEqual(values(args, "-serial"), ["file:/home/u/.mpm/guests/a/console.log"]);
});

test("an initrd plan without a kernel is refused with the image named", () => {
  assert.throws(() => buildQemuArgs({ ...initrdPlan, kernel: undefined }), {
    code: "MPM_E_IMAGE_RECORD",
    message: /app\.cpio\.gz/,
  });
});

test("an initrd image on pc boots the same kernel and initramfs over virtio-pci, without the TSC hint", () => {
  const args = buildQemuArgs({ ...initrdPlan, machine: "pc" });
  assert.deepEqual(values(args, "-M"), ["pc"]);
  assert.deepEqual(values(args, "-kernel"), ["/cache/vmlinux"]);
  assert.deepEqual(values(args, "-initrd"), ["/images/app.cpio.gz"]);
  assert.deepEqual(values(args, "-append"), ["console=ttyS0 panic=-1 no_timer_check quiet"]);
  assert.deepEqual(values(args, "-device"), ["virtio-net-pci,netdev=net0"]);
});
