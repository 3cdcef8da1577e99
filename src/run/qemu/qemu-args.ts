import { MpmError } from "../../errors/mpm-error.ts";
import type { ImageFormat } from "../../image/composed-image.ts";

export type Accel = "kvm" | "tcg";
export type Machine = "microvm" | "pc";

export interface PortForward {
  readonly host: number;
  readonly guest: number;
}

/** A shared-memory region given to the guest as an ivshmem-plain PCI device, backed by /dev/shm/<name>. */
export interface SharedMemory {
  readonly name: string;
  readonly sizeBytes: number;
}

export type Serial = { readonly kind: "stdio" } | { readonly kind: "file"; readonly path: string };

/** Everything that decides the QEMU command line; built by the run command, turned into argv here. */
export interface QemuPlan {
  readonly format: ImageFormat;
  /** The image file: the initramfs for "initrd", the disk otherwise. */
  readonly imagePath: string;
  /** Kernel for -kernel (initrd format only). */
  readonly kernel: string | undefined;
  /** Extra kernel arguments stored in the image record (initrd format only). */
  readonly kernelArgs: string | undefined;
  readonly machine: Machine;
  readonly accel: Accel;
  readonly cpus: number;
  readonly memoryMiB: number;
  readonly ports: readonly PortForward[];
  readonly serial: Serial;
  /** File with the run-time overrides (opt/mpm/run.json); absent when there is nothing to override. */
  readonly runConfigFile: string | undefined;
  readonly sharedMemory: readonly SharedMemory[];
  /** Host TSC frequency; microvm under TCG cannot calibrate its clock without it (see docs/run.md). */
  readonly tscKhz: number | undefined;
}

/**
 * The machine for every format is `pc`. microvm can boot initrd images too (--machine microvm), but on
 * the busy 2-core TCG host it was not reliably faster: boot to memcached's first answer, median of 5,
 * was 13.4 s (microvm) against 10.5 s (pc) and 16.6 s against 13.8 s under heavy load, 6.1 s against
 * 6.8 s in a quieter run (bench/boot); and its clock needs a TSC hint that the kernel's watchdog then
 * distrusts under load. Disks need a BIOS anyway.
 */
export function defaultMachine(_format: ImageFormat): Machine {
  return "pc";
}

/** QEMU splits option values on commas; a literal comma in a path is written twice. */
export function escapeOptionValue(value: string): string {
  return value.replaceAll(",", ",,");
}

/** The QEMU argv (without the binary) for a plan. Pure: same plan, same arguments. */
export function buildQemuArgs(plan: QemuPlan): string[] {
  const args = [
    ...machineArgs(plan),
    ...acceleratorArgs(plan.accel),
    "-smp",
    String(plan.cpus),
    "-m",
    `${plan.memoryMiB}M`,
    "-no-reboot",
    "-nodefaults",
    "-no-user-config",
    "-display",
    "none",
    "-serial",
    plan.serial.kind === "stdio" ? "stdio" : `file:${plan.serial.path}`,
    ...bootArgs(plan),
    ...networkArgs(plan),
    ...sharedMemoryArgs(plan.sharedMemory),
  ];
  if (plan.runConfigFile !== undefined) {
    args.push("-fw_cfg", `name=opt/mpm/run.json,file=${escapeOptionValue(plan.runConfigFile)}`);
  }
  return args;
}

function machineArgs(plan: QemuPlan): string[] {
  if (plan.machine === "pc") return ["-M", "pc"];
  // Under TCG microvm has no usable clock source without the legacy PIT/PIC/RTC; PCIe only when a PCI
  // device (ivshmem) needs it, because the extra host bridge costs boot time.
  const pcie = plan.sharedMemory.length > 0 ? ",pcie=on" : "";
  return ["-M", `microvm,pit=on,pic=on,rtc=on${pcie}`];
}

function acceleratorArgs(accel: Accel): string[] {
  return accel === "kvm" ? ["-accel", "kvm", "-cpu", "host"] : ["-accel", "tcg"];
}

function bootArgs(plan: QemuPlan): string[] {
  if (plan.format !== "initrd") {
    const driveFormat = plan.format === "qcow2" ? "qcow2" : "raw";
    // -snapshot keeps the image pristine and lets several guests boot the same file at once.
    return [
      "-drive",
      `file=${escapeOptionValue(plan.imagePath)},format=${driveFormat},if=virtio`,
      "-snapshot",
    ];
  }
  // Also for images whose record has no kernel arguments of its own (no_timer_check: see GUEST_KERNEL_ARGS).
  const append = ["console=ttyS0", "panic=-1", "no_timer_check"];
  if (plan.machine === "microvm" && plan.accel === "tcg" && plan.tscKhz !== undefined) {
    append.push(`tsc_early_khz=${plan.tscKhz}`);
  }
  if (plan.kernelArgs) append.push(plan.kernelArgs);
  if (plan.kernel === undefined) {
    throw new MpmError("MPM_E_IMAGE_RECORD", `initrd image ${plan.imagePath} has no kernel in its record`, {
      hint: "recompose the image with `mpm compose --format initrd`",
    });
  }
  return ["-kernel", plan.kernel, "-initrd", plan.imagePath, "-append", append.join(" ")];
}

function networkArgs(plan: QemuPlan): string[] {
  const forwards = plan.ports.map((p) => `,hostfwd=tcp:127.0.0.1:${p.host}-:${p.guest}`).join("");
  // microvm without PCIe has virtio-mmio only; everything else takes the PCI variant.
  const device =
    plan.machine === "microvm" && plan.sharedMemory.length === 0 ? "virtio-net-device" : "virtio-net-pci";
  return ["-netdev", `user,id=net0${forwards}`, "-device", `${device},netdev=net0`];
}

function sharedMemoryArgs(regions: readonly SharedMemory[]): string[] {
  return regions.flatMap((region, i) => [
    "-object",
    `memory-backend-file,id=shm${i},share=on,mem-path=/dev/shm/${region.name},size=${region.sizeBytes}`,
    "-device",
    `ivshmem-plain,memdev=shm${i}`,
  ]);
}
