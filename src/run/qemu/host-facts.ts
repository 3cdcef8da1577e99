import { accessSync, constants, existsSync, readFileSync } from "node:fs";

/** What the host says about hardware virtualisation; gathered once per run, decided on by decideAccel. */
export interface HostFacts {
  /** /dev/kvm exists and this user may open it read-write. */
  readonly kvmDeviceUsable: boolean;
  /** The CPU advertises vmx (Intel) or svm (AMD). */
  readonly hardwareVirtualisation: boolean;
  /**
   * /dev/kvm is served by kvm-pvm (nested "pagetable-based" virtualisation). It accepts ordinary guests
   * but runs them about 100x slower than TCG (first kernel line after ~33 s), so it counts as unusable.
   */
  readonly nestedPvm: boolean;
  /** TSC frequency in kHz from /proc/cpuinfo's "cpu MHz", if present. */
  readonly tscKhz: number | undefined;
}

export function readHostFacts(): HostFacts {
  const cpuinfo = readText("/proc/cpuinfo");
  return {
    kvmDeviceUsable: canOpenReadWrite("/dev/kvm"),
    hardwareVirtualisation: /^flags\s*:.*\b(vmx|svm)\b/m.test(cpuinfo),
    nestedPvm: existsSync("/sys/module/kvm_pvm"),
    tscKhz: parseTscKhz(cpuinfo),
  };
}

/** "cpu MHz : 2596.136" → 2596136. */
export function parseTscKhz(cpuinfo: string): number | undefined {
  const match = /^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo);
  const khz = match ? Math.round(Number(match[1]) * 1000) : 0;
  return khz > 0 ? khz : undefined;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function canOpenReadWrite(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
